from django.urls import path

from lantian.approvals import views
from lantian.core import registry

app_name = "approvals"

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("screen/", views.ApprovalScreen.as_view(), name="screen"),
    path("screen/data/", views.screen_data, name="screen_data"),
    path("statistics/export/", views.StatisticsExportView.as_view(), name="statistics_export"),
    path("quality/", views.QualityView.as_view(), name="quality"),
    path("quality/run/", views.RunQualityView.as_view(), name="quality_run"),
    path("qualityruns/<int:pk>/tasks/", views.AssignTasksView.as_view(), name="assign_tasks"),
    path("exchange/", views.ExchangeView.as_view(), name="exchange"),
    path("exchange/upload/", views.UploadView.as_view(), name="exchange_upload"),
    path("exchange/results/", views.ReadResultsView.as_view(), name="exchange_results"),
    path("exchange/import/", views.ImportFromExchangeView.as_view(), name="exchange_import"),
    path("corrections/<int:pk>/decide/", views.DecideCorrectionView.as_view(), name="correction_decide"),
    *registry.urlpatterns("approvals"),
]
