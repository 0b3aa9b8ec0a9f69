from django.urls import path

from lantian.core import registry
from lantian.ops import views_reports

app_name = "ops"

urlpatterns = [
    path("inspections/report/", views_reports.InspectionReportView.as_view(), name="inspection_report"),
    path(
        "contracts/<int:pk>/quarterly-report/",
        views_reports.QuarterlyReportView.as_view(),
        name="contract_quarterly_report",
    ),
    *registry.urlpatterns("ops"),
]
