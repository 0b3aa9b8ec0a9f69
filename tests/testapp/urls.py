"""The project's URLs plus the test app's registered pages (ROOT_URLCONF of the test settings)."""

from django.urls import include, path

from lantian.core import registry
from lantian.urls import handler400, handler403, handler404, handler500  # noqa: F401 (the same error pages)
from lantian.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("testapp/", include((registry.urlpatterns("testapp"), "testapp"))),
]
