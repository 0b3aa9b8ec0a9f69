from django.urls import path

from lantian.cases import intake, open311, views
from lantian.core import registry

app_name = "cases"

urlpatterns = [
    path("report/", intake.ReportView.as_view(), name="report"),
    path("public/report/", intake.PublicReportView.as_view(), name="public_report"),
    path("public/feedback/<str:token>/", intake.FeedbackView.as_view(), name="feedback"),
    path("queues/", views.QueueView.as_view(), name="queues"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("cases/<int:pk>/act/", views.CaseActView.as_view(), name="case_act"),
    path("cases/<int:pk>/side/<str:action>/", views.CaseSideView.as_view(), name="case_side"),
    path("workflows/<int:pk>/design/", views.WorkflowDesignView.as_view(), name="workflow_design"),
    path("workflows/<int:pk>/publish/", views.WorkflowPublishView.as_view(), name="workflow_publish"),
    path("open311/v2/services.json", open311.ServiceListView.as_view(), name="open311_services"),
    path(
        "open311/v2/services/<str:code>.json", open311.ServiceDefinitionView.as_view(), name="open311_service"
    ),
    path("open311/v2/requests.json", open311.RequestListView.as_view(), name="open311_requests"),
    path(
        "open311/v2/requests/<str:number>.json", open311.RequestDetailView.as_view(), name="open311_request"
    ),
    path("open311/v2/tokens/<str:token>.json", open311.TokenView.as_view(), name="open311_token"),
    *registry.urlpatterns("cases"),
]
