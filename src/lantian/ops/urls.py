from lantian.core import registry

app_name = "ops"

urlpatterns = registry.urlpatterns("ops")
