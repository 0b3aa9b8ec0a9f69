from django.urls import path

from lantian.core import registry
from lantian.ldar import (
    screens_urls,
    views,
    views_detection,
    views_emissions,
    views_guardrails,
    views_reports,
)

app_name = "ldar"

urlpatterns = [
    path("archive/", views.ArchiveTreeView.as_view(), name="archive_tree"),
    path("archive/<str:level>/<int:pk>/", views.ArchiveTreeView.as_view(), name="archive_node"),
    path("photos/<str:model>/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("workorders/<int:pk>/walk/", views_detection.WorkOrderWalkView.as_view(), name="workorder_walk"),
    path("guardrails/agencies/", views_guardrails.FlagsByAgencyView.as_view(), name="guardrails_by_agency"),
    path("emissions/", views_emissions.EmissionsSummaryView.as_view(), name="emissions_summary"),
    path(
        "reports/<str:model>/<int:pk>/generate/", views_reports.GenerateView.as_view(), name="report_generate"
    ),
    path(
        "reports/<str:model>/<int:pk>/download.<str:extension>",
        views_reports.DownloadView.as_view(),
        name="report_download",
    ),
    path(
        "emissionaccounts/<int:pk>/recompute/",
        views_emissions.RecomputeView.as_view(),
        name="emissionaccount_recompute",
    ),
    *screens_urls.urlpatterns,
    *registry.urlpatterns("ldar"),
]
