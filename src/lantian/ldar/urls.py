from django.urls import path

from lantian.core import registry
from lantian.ldar import views, views_detection

app_name = "ldar"

urlpatterns = [
    path("archive/", views.ArchiveTreeView.as_view(), name="archive_tree"),
    path("archive/<str:level>/<int:pk>/", views.ArchiveTreeView.as_view(), name="archive_node"),
    path("photos/<str:model>/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("workorders/<int:pk>/walk/", views_detection.WorkOrderWalkView.as_view(), name="workorder_walk"),
    *registry.urlpatterns("ldar"),
]
