from django.urls import path

from lantian.core import registry
from lantian.core.models import User
from lantian.core.views import accounts, changelog, jobs

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
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/result/", jobs.JobResultView.as_view(), name="job_result"),
]
