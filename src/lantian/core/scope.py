"""The data-scope gate (ARCHITECTURE rule 1).

Every queryset that reaches a user goes through ``Model.objects.restrict(user, action)``, which
checks the role permission for the action and then limits rows to the organisation subtrees the
user may act on. A model says how its rows reach an organisation with ``scope_path``:

- ``""``: the model is ``Organization`` itself;
- ``"organization"`` (or any lookup ending at an Organization): rows belong to that organisation;
- ``None``: reference data visible to everyone who holds the view permission (e.g. divisions).

A model may set ``scope_follows_links = False`` so that service links (a testing agency's clients)
do not open it, e.g. user accounts.

A model whose rows are read through one organisation and written by another sets
``scope_write_path``: writes (add, change, delete, import) follow it instead of ``scope_path``. A
testing agency's readings in a plant are read through the enterprise (its bureau, the enterprise,
the agencies it links) and written only by the agency that took them (``ldar.DetectionRecord``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

READ_ACTIONS = frozenset({"view", "export"})


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    own_paths: tuple[str, ...] = ()  # subtrees the user works in: read and write
    linked_paths: tuple[str, ...] = ()  # subtrees opened read-only by service links

    def paths(self, action: str, *, follow_links: bool = True) -> tuple[str, ...]:
        if follow_links and action in READ_ACTIONS:
            return self.own_paths + self.linked_paths
        return self.own_paths

    def q(self, model: type[models.Model], action: str) -> Q | None:
        """The filter for ``model`` rows in scope, None for "no limit", an always-false Q for none."""
        path = scope_path_for(model, action)
        if self.everything or path is None:
            return None
        prefix = f"{path}__" if path else ""
        paths = self.paths(action, follow_links=getattr(model, "scope_follows_links", True))
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))

    def covers(self, organization, action: str = "view") -> bool:
        if self.everything:
            return True
        return organization is not None and organization.path.startswith(self.paths(action))


def scope_path_for(model, action: str) -> str | None:
    """The lookup from ``model`` rows to the organisation that scopes ``action`` (see the module's doc)."""
    if action not in READ_ACTIONS and getattr(model, "scope_write_path", None) is not None:
        return model.scope_write_path
    return model.scope_path


def scope_for(user) -> Scope:
    """The scope of ``user``, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_lantian_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user.is_authenticated:
        user._lantian_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser or user.roles.filter(sees_everything=True).exists():
        return Scope(everything=True)
    organization = user.organization
    if organization is None or not organization.is_active:
        return Scope()
    from lantian.core.models import OrganizationLink

    linked = OrganizationLink.objects.filter(provider=organization, client__is_active=True)
    return Scope(
        own_paths=(organization.path,),
        linked_paths=tuple(linked.values_list("client__path", flat=True)),
    )


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        """Rows of this queryset that ``user`` may ``action``: permission first, then scope."""
        if not user.is_authenticated or not user.has_perm(permission_name(self.model, action)):
            return self.none()
        return self.within_scope(user, action)

    def within_scope(self, user, action: str = "view") -> RestrictedQuerySet:
        """Rows in ``user``'s scope for ``action``, without the permission check (for dropdowns of a form
        whose own permission was checked)."""
        condition = scope_for(user).q(self.model, action)
        return self if condition is None else self.filter(condition)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
