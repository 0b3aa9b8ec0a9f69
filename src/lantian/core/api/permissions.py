"""Who may call a registered model's endpoint: the role permission for the action of the HTTP method.

Which rows they reach is the scope gate's business (``restrict`` in the view's queryset): a row
outside scope is 404, never 403.
"""

from rest_framework.permissions import BasePermission

from lantian.core.scope import permission_name

# HTTP method → permission action (lantian.core.scope.permission_name)
METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}

# viewset action → registry action (lantian.core.registry.ACTIONS) that must be enabled for it
VIEWSET_ACTIONS = {
    "list": "list",
    "retrieve": "detail",
    "create": "add",
    "update": "edit",
    "partial_update": "edit",
    "destroy": "delete",
}


def method_action(method: str) -> str:
    return METHOD_ACTIONS.get(method.upper(), "view")


class RegisteredModelPermission(BasePermission):
    """The user holds ``<app>.<action>_<model>`` for the action of the request's method."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm(permission_name(view.registration.model, method_action(request.method)))
        )
