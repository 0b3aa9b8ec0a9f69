from django.urls import path

from lantian.core import registry

from . import views

app_name = "hj212"

urlpatterns = [
    *registry.urlpatterns("hj212"),
    path("status/", views.DeviceStatusView.as_view(), name="status"),
    path("devices/<int:pk>/capture/", views.DeviceCaptureView.as_view(), name="device_capture"),
]
