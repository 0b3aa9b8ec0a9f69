"""The menu: modules register groups of pages; each user sees only the pages their roles open."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # "app.codename"; None: every signed-in user
    needs_everything: bool = False  # only for users whose scope is the whole platform
    new_window: bool = False  # opens in a window of its own (big screens, lantian.core.dashboards)

    def visible_to(self, user, scope) -> bool:
        if self.needs_everything and not scope.everything:
            return False
        return self.permission is None or user.has_perm(self.permission)

    @property
    def url(self) -> str:
        return _reversed(self.url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=4096)
def _reversed(url_name: str, urlconf: str, prefix: str) -> str:
    """A menu address: the same for every request of a deployment (the menu reverses a hundred per page)."""
    return reverse(url_name, urlconf=urlconf)


@dataclass(frozen=True)
class MenuGroup:
    label: str
    icon: str  # a Tabler icon name, e.g. "building"
    items: tuple[MenuItem, ...] = field(default_factory=tuple)
    weight: int = 100


_registry: dict[str, MenuGroup] = {}


def register_menu(key: str, group: MenuGroup) -> None:
    _registry[key] = group


def menu_for(user) -> list[dict]:
    from lantian.core.scope import scope_for

    scope = scope_for(user)
    menu = []
    for group in sorted(_registry.values(), key=lambda g: g.weight):
        items = [item for item in group.items if item.visible_to(user, scope)]
        if items:
            menu.append({"label": group.label, "icon": group.icon, "items": items})
    return menu


def register_core_menu() -> None:
    register_menu(
        "core.organizations",
        MenuGroup(
            _("Organizations"),
            "building-community",
            (
                MenuItem(_("Organizations"), "core:organization_list", "core.view_organization"),
                MenuItem(_("Service links"), "core:organizationlink_list", "core.view_organizationlink"),
                MenuItem(_("Administrative divisions"), "core:division_list", "core.view_division"),
            ),
            weight=900,
        ),
    )
    register_menu(
        "core.accounts",
        MenuGroup(
            _("Accounts"),
            "users",
            (
                MenuItem(_("Users"), "core:user_list", "core.view_user"),
                MenuItem(_("Roles"), "core:role_list", "core.view_role"),
                MenuItem(_("Access log"), "core:accessevent_list", "core.view_accessevent"),
                MenuItem(
                    _("Change log"), "core:changelog_list", "auditlog.view_logentry", needs_everything=True
                ),
            ),
            weight=950,
        ),
    )
