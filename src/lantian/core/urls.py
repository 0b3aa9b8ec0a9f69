from django.urls import path

from lantian.core import help, registry
from lantian.core.models import User
from lantian.core.views import accounts, api_tokens, attachments, changelog, drafts, jobs, review, todo

app_name = "core"

users = registry.registration_for(User)

urlpatterns = [
    *registry.urlpatterns("core"),
    path(
        "users/<int:pk>/password/",
        accounts.UserSetPasswordView.as_view(registration=users),
        name="user_set_password",
    ),
    path(
        "users/<int:pk>/active/",
        accounts.UserSetActiveView.as_view(registration=users),
        name="user_set_active",
    ),
    path("users/<int:pk>/unlock/", accounts.UserUnlockView.as_view(registration=users), name="user_unlock"),
    path("changelog/", changelog.ChangeLogListView.as_view(), name="changelog_list"),
    path("api-token/", api_tokens.ApiTokenView.as_view(), name="api_token"),
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/result/", jobs.JobResultView.as_view(), name="job_result"),
    path(
        "objects/<str:app_label>/<str:model_name>/<int:pk>/attachments/",
        attachments.AttachmentUploadView.as_view(),
        name="attachment_add",
    ),
    path("attachments/<int:pk>/", attachments.AttachmentDownloadView.as_view(), name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/",
        attachments.AttachmentThumbnailView.as_view(),
        name="attachment_thumbnail",
    ),
    path(
        "attachments/<int:pk>/delete/", attachments.AttachmentDeleteView.as_view(), name="attachment_delete"
    ),
    path(
        "objects/<str:app_label>/<str:model_name>/<int:pk>/journal/",
        attachments.JournalAddView.as_view(),
        name="journal_add",
    ),
    path("journal/<int:pk>/delete/", attachments.JournalDeleteView.as_view(), name="journal_delete"),
    path(
        "objects/<str:app_label>/<str:model_name>/<int:pk>/review/<str:action>/",
        review.ReviewActionView.as_view(),
        name="review_action",
    ),
    path("todo/", todo.TodoView.as_view(), name="todo"),
    path("drafts/", drafts.DraftListView.as_view(), name="draft_list"),
    path("drafts/<int:pk>/delete/", drafts.DraftDeleteView.as_view(), name="draft_delete"),
    path("help/", help.HelpView.as_view(), name="help"),
    path("help/img/<str:name>", help.HelpImageView.as_view(), name="help_image"),
    path("help/<str:slug>/", help.HelpPageView.as_view(), name="help_page"),
]
