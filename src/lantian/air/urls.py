from django.urls import path

from lantian.core import registry

from . import views

app_name = "air"

urlpatterns = [
    path("live/", views.LiveView.as_view(), name="live"),
    path("live/data/", views.LiveDataView.as_view(), name="live_data"),
    path("stations/<int:pk>/series/", views.StationSeriesView.as_view(), name="station_series"),
    path("evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("evaluation/export/", views.EvaluationExportView.as_view(), name="evaluation_export"),
    path("hourly/import/", views.HourlyImportView.as_view(), name="hourly_import"),
    path("anomalies/counts/", views.AnomalyCountsView.as_view(), name="anomaly_counts"),
    path("auditmarks/<int:pk>/revoke/", views.AuditMarkRevokeView.as_view(), name="auditmark_revoke"),
    *registry.urlpatterns("air"),
]
