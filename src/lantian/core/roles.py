"""Roles: the built-in ones declared in data files and synchronised into the database after every
migrate, and the rules of granting: nobody gives a role, or puts into a role, more than they hold.

Built-in roles are seed data. Their code, name, description, organisation kinds, "sees everything"
and permissions come from the data files and are restored on every migrate (and ``manage.py demo``);
nobody edits or deletes them in the application. Custom roles are created and edited by holders of
``core.add_role``/``core.change_role`` within what they hold themselves (``grant_problems``).
"""

import json
from fnmatch import fnmatchcase
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from lantian.core.permission_tree import permission_key

BUILTIN_ROLES_FILE = Path(__file__).parent / "data" / "roles.json"

# The names and descriptions of the data files are English msgids, stored in the site's language
# (LANGUAGE_CODE) when the roles are synchronised. Marked here so that makemessages finds them;
# tests/core/test_roles.py checks that every text of every data file is translated.
SEED_TEXTS = (
    gettext_noop("System administrator"),
    gettext_noop("Administers the whole platform: every organization, account and role."),
    gettext_noop("Bureau administrator"),
    gettext_noop("Administers the organizations, accounts and roles of the bureau's jurisdiction."),
    gettext_noop("Enterprise administrator"),
    gettext_noop("Maintains the enterprise's information and its own accounts."),
    gettext_noop("Testing-company administrator"),
    gettext_noop("Maintains the testing company's information and accounts; sees the enterprises it serves."),
    gettext_noop("Operations staff"),
    gettext_noop("Operations vendor staff: sees the vendor and the organizations it maintains systems for."),
)


def load_role_specs(path: Path = BUILTIN_ROLES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["roles"]


def grantable_outside_registry() -> set[str]:
    """Permissions of models that are not registered but which roles may grant (``"grantable"`` in
    the data files, e.g. the change log's ``auditlog.view_logentry``)."""
    names = set()
    for path in [BUILTIN_ROLES_FILE, *module_role_files()]:
        names.update(json.loads(path.read_text(encoding="utf-8")).get("grantable", ()))
    return names


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
        if any(fnmatchcase(permission_key(perm), pattern) for pattern in patterns)
    ]


@transaction.atomic
def sync_builtin_roles(specs: list[dict] | None = None) -> None:
    from django.contrib.auth.models import Permission

    from lantian.core.models import Role

    every_permission = list(Permission.objects.select_related("content_type"))
    with translation.override(settings.LANGUAGE_CODE):
        for spec in specs if specs is not None else merged_role_specs():
            role, _created = Role.objects.update_or_create(
                code=spec["code"],
                defaults={
                    "name": seed_text(spec["name"]),
                    "description": seed_text(spec.get("description", "")),
                    "builtin": True,
                    "sees_everything": spec.get("sees_everything", False),
                    "org_kinds": spec.get("org_kinds", []),
                },
            )
            set_permissions(role, resolve_permissions(spec["permissions"], every_permission))


def seed_text(text: str) -> str:
    """A name or description of a data file in the active language (gettext of "" is the catalogue's
    header, hence the guard)."""
    return translation.gettext(text) if text else ""


def set_permissions(role, permissions) -> None:
    """Give ``role`` exactly ``permissions``, recording what was added and removed in the change log
    by ``app_label.codename`` (shown as the permission tree's words, in the reader's language)
    rather than by django-auditlog's English permission names."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry

    current = {perm.pk: perm for perm in role.permissions.select_related("content_type")}
    wanted = {perm.pk: perm for perm in permissions}
    added = [wanted[pk] for pk in wanted.keys() - current.keys()]
    removed = [current[pk] for pk in current.keys() - wanted.keys()]
    if not added and not removed:
        return
    with disable_auditlog():
        role.permissions.remove(*removed)
        role.permissions.add(*added)
    for operation, changed in (("add", added), ("delete", removed)):
        if changed:
            keys = sorted(permission_key(perm) for perm in changed)
            LogEntry.objects.log_m2m_changes(keys, role, operation, "permissions")


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
        or {permission_key(p) for p in role.permissions.all()} <= held
    ]
    return roles.filter(pk__in=grantable)


def grantable_permissions():
    """The permissions a role may be given in the editor: those of every registered model, and the
    few others the data files name as ``grantable``."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from lantian.core.registry import registrations

    models = [registration.model for registration in registrations()]
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
    condition = Q(content_type__in=[content_type.pk for content_type in content_types])
    for name in grantable_outside_registry():
        app_label, _dot, codename = name.partition(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(condition).select_related("content_type")


def grant_problems(editor, permissions, sees_everything: bool = False) -> list[str]:
    """Why ``editor`` may not put ``permissions`` (and "sees everything") into a role: whatever they
    do not hold themselves. Empty when they may."""
    from lantian.core.permission_tree import describe
    from lantian.core.scope import scope_for

    held = editor.get_all_permissions()
    lacking = sorted(key for key in map(permission_key, permissions) if key not in held)
    problems = []
    if lacking:
        problems.append(
            _("You cannot grant what you do not hold yourself: %(permissions)s.")
            % {"permissions": "；".join(describe(lacking))}
        )
    if sees_everything and not scope_for(editor).everything:
        problems.append(_("Only a user who sees every organization may let a role see everything."))
    return problems


def edit_problems(editor, role) -> list[str]:
    """Why ``editor`` may not change or delete ``role``. Built-in roles are seed data; a custom role
    may be changed only by someone who holds everything it grants and manages every account holding
    it (otherwise they could take rights from, or give rights to, people beyond their reach)."""
    from lantian.core.models import User
    from lantian.core.scope import scope_for

    if role.builtin:
        return [
            _(
                "%(role)s is a built-in role: it is restored from the platform's data files on every "
                "update and cannot be changed or deleted here. Create a role of your own instead."
            )
            % {"role": role}
        ]
    problems = grant_problems(editor, role.permissions.select_related("content_type"), role.sees_everything)
    if problems:
        return [_("%(role)s grants more than you hold.") % {"role": role}]
    if not scope_for(editor).everything:
        managed = User.objects.within_scope(editor, "change")
        outside = role.users.exclude(pk__in=managed.values("pk")).count()
        if outside:
            return [
                ngettext(
                    "%(role)s is held by %(count)d account you do not manage.",
                    "%(role)s is held by %(count)d accounts you do not manage.",
                    outside,
                )
                % {"role": role, "count": outside}
            ]
    return []


def unfit_roles_message(organization, roles) -> str | None:
    """The error when ``roles`` may not be held by users of ``organization`` (its kind is not among a
    role's organisation kinds), or None. The account form and the account import both ask this."""
    unfit = [role.name for role in roles if not role.allows(organization.kind)]
    if not unfit:
        return None
    return _("%(roles)s cannot be given to a user of a %(kind)s.") % {
        "roles": "、".join(unfit),
        "kind": organization.get_kind_display(),
    }
