"""The router built from the registry: ``/api/<app_label>/<model_name>s/[<pk>/]`` per registered model."""

from rest_framework.routers import DefaultRouter

from lantian.core.api import basename
from lantian.core.api.permissions import VIEWSET_ACTIONS
from lantian.core.api.viewsets import viewset_for
from lantian.core.registry import registrations


class RegistryRouter(DefaultRouter):
    """Binds only the viewset actions a model's registration enables (User: no delete; read-only
    models: no create or update), so any other method is 405 and the schema does not offer it."""

    include_format_suffixes = False

    def get_method_map(self, viewset, method_map):
        enabled = viewset.registration.actions
        return {
            method: action
            for method, action in super().get_method_map(viewset, method_map).items()
            if VIEWSET_ACTIONS[action] in enabled
        }


def build_router() -> RegistryRouter:
    router = RegistryRouter(use_regex_path=False)
    for registration in registrations():
        if registration.api:
            router.register(
                f"{registration.app_label}/{registration.url_prefix.rstrip('/')}",
                viewset_for(registration),
                basename=basename(registration),
            )
    return router
