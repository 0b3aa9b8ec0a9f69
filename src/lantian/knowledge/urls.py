from lantian.core import registry

app_name = "knowledge"

urlpatterns = [
    *registry.urlpatterns("knowledge"),
]
