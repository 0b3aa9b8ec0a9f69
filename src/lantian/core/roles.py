"""Built-in roles: declared in data files, synchronised into the database after every migrate."""

import json
from fnmatch import fnmatchcase
from pathlib import Path

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction

BUILTIN_ROLES_FILE = Path(__file__).parent / "data" / "roles.json"


def load_role_specs(path: Path = BUILTIN_ROLES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["roles"]


def module_role_files() -> list[Path]:
    """``data/roles.json`` of every installed Lantian module other than core, in app order."""
    files = []
    for config in global_apps.get_app_configs():
        path = Path(config.path) / "data" / "roles.json"
        if config.name.startswith("lantian.") and config.label != "core" and path.exists():
            files.append(path)
    return files


def merged_role_specs() -> list[dict]:
    """The core roles, extended by the modules: an entry whose code is already declared adds its
    permissions (and organisation kinds) to that role; a new code declares a module's own role."""
    specs = {spec["code"]: dict(spec) for spec in load_role_specs()}
    for path in module_role_files():
        for spec in load_role_specs(path):
            known = specs.get(spec["code"])
            if known is None:
                specs[spec["code"]] = dict(spec)
                continue
            known["permissions"] = known["permissions"] + spec.get("permissions", [])
            kinds = known.get("org_kinds", [])
            known["org_kinds"] = kinds + [kind for kind in spec.get("org_kinds", []) if kind not in kinds]
    return list(specs.values())


def resolve_permissions(patterns: list[str], permissions) -> list:
    """The permissions whose ``app_label.codename`` matches any of ``patterns``."""
    return [
        perm
        for perm in permissions
        if any(fnmatchcase(f"{perm.content_type.app_label}.{perm.codename}", pattern) for pattern in patterns)
    ]


@transaction.atomic
def sync_builtin_roles(specs: list[dict] | None = None) -> None:
    from django.contrib.auth.models import Permission

    from lantian.core.models import Role

    every_permission = list(Permission.objects.select_related("content_type"))
    for spec in specs if specs is not None else merged_role_specs():
        role, _ = Role.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                "builtin": True,
                "sees_everything": spec.get("sees_everything", False),
                "org_kinds": spec.get("org_kinds", []),
            },
        )
        wanted = resolve_permissions(spec["permissions"], every_permission)
        if set(role.permissions.all()) != set(wanted):
            role.permissions.set(wanted)


def sync_after_migrate(sender, app_config=None, using="default", apps=global_apps, **kwargs):
    # post_migrate fires once per app; act once, after the last, when every permission exists.
    if sender.label != list(global_apps.get_app_configs())[-1].label:
        return
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    create_registered_permissions()
    sync_builtin_roles()


def create_registered_permissions() -> None:
    """The permissions Django does not make: import and export of every registered model, and
    review of those in the review flow."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from lantian.core.models import Reviewable
    from lantian.core.registry import EXTRA_PERMISSIONS, registrations

    for registration in registrations():
        content_type = ContentType.objects.get_for_model(registration.model, for_concrete_model=False)
        name = registration.model._meta.verbose_name_raw
        review = ("review",) if issubclass(registration.model, Reviewable) else ()
        for action in EXTRA_PERMISSIONS + review:
            Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{registration.model_name}",
                defaults={"name": f"Can {action} {name}"},
            )  # fmt: skip


def assignable_roles(user):
    """Roles ``user`` may give to others: those whose permissions they hold themselves, and the
    built-in roles whose data file names one of the user's roles in ``granted_by`` (a bureau
    administrator creates the accounts of enterprises and agencies without holding what modules let
    those roles do in their own organisation)."""
    from lantian.core.models import Role
    from lantian.core.scope import scope_for

    roles = Role.objects.restrict(user, "view")
    if scope_for(user).everything:
        return roles
    held = user.get_all_permissions()
    own_codes = set(user.roles.values_list("code", flat=True))
    granted_by = {spec["code"]: set(spec.get("granted_by", ())) for spec in merged_role_specs()}
    grantable = [
        role.pk
        for role in roles.filter(sees_everything=False).prefetch_related("permissions__content_type")
        if (role.builtin and granted_by.get(role.code, set()) & own_codes)
        or {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()} <= held
    ]
    return roles.filter(pk__in=grantable)
