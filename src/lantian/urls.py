from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from lantian.core.views.auth import LoginView, PasswordChangeView
from lantian.core.views.home import HomeView
from lantian.ops.health import HealthView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("core/", include("lantian.core.urls")),
    path("hj212/", include("lantian.hj212.urls")),
    path("ldar/", include("lantian.ldar.urls")),
    path("agencies/", include("lantian.agencies.urls")),
    path("knowledge/", include("lantian.knowledge.urls")),
    path("cases/", include("lantian.cases.urls")),
    path("power/", include("lantian.power.urls")),
    path("approvals/", include("lantian.approvals.urls")),
    path("air/", include("lantian.air.urls")),
    path("rectification/", include("lantian.rectification.urls")),
    path("ops/", include("lantian.ops.urls")),
    path("health/", HealthView.as_view(), name="health"),  # load balancers (lantian.ops.health)
    path("", include("django_prometheus.urls")),  # /metrics
    path("api/", include("lantian.core.api.urls")),
]

# Branded error pages, rendered without the database or context processors (lantian.core.views.errors).
handler400 = "lantian.core.views.errors.bad_request"
handler403 = "lantian.core.views.errors.permission_denied"
handler404 = "lantian.core.views.errors.page_not_found"
handler500 = "lantian.core.views.errors.server_error"
