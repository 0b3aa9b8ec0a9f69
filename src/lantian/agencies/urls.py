from django.urls import path

from lantian.agencies import views
from lantian.core import registry

app_name = "agencies"

urlpatterns = [
    path("mine/", views.MyFilingView.as_view(), name="my_filing"),
    path("pending/", views.PendingFilingsView.as_view(), name="pending_filings"),
    path("agencyfilings/<int:pk>/revise/", views.ReviseView.as_view(), name="agencyfiling_revise"),
    *registry.urlpatterns("agencies"),
]
