from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """Django's model backend with the user's roles in place of groups."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__users=user_obj)
