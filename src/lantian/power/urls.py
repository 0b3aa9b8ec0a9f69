from django.urls import path

from lantian.core import registry
from lantian.power import views, views_archive

app_name = "power"

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("mine/", views.MyEnterpriseView.as_view(), name="my_enterprise"),
    path("enterprises/<int:pk>/", views.EnterpriseView.as_view(), name="enterprise"),
    path("enterprises/<int:pk>/curves/", views.EnterpriseCurvesView.as_view(), name="enterprise_curves"),
    path("alarmevents/<int:pk>/evidence/", views.EventEvidenceView.as_view(), name="event_evidence"),
    path("alarmevents/<int:pk>/explain/", views.EventExplainView.as_view(), name="event_explain"),
    path("alarmevents/<int:pk>/decide/", views.EventDecideView.as_view(), name="event_decide"),
    path("checks/", views.ChecksView.as_view(), name="checks"),
    path("checks/trend/", views.CheckTrendView.as_view(), name="check_trend"),
    path("archive/import/", views_archive.ArchiveImportView.as_view(), name="archive_import"),
    path("archive/template/", views_archive.ArchiveTemplateView.as_view(), name="archive_template"),
    path("enterprises/<int:pk>/archive/", views_archive.ArchiveExportView.as_view(), name="archive_export"),
    *registry.urlpatterns("power"),
]
