from lantian.core import registry

app_name = "rectification"
urlpatterns = registry.urlpatterns("rectification")
