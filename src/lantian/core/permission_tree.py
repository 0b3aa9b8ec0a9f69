"""Permissions as people read them: module → model → action, in the models' own (translated) words.

Django names a permission "Can add agency filing", in English, in the database. Pages and the change
log show it instead as the tree the role editor ticks: the app's verbose name, the model's verbose
name and the action (view, add, change, delete, import, export, review).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

# codename prefix → label, in the order the tree shows a model's actions
ACTIONS = {
    "view": pgettext_lazy("permission", "view"),
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "import": pgettext_lazy("permission", "import"),
    "export": pgettext_lazy("permission", "export"),
    "review": pgettext_lazy("permission", "review"),
}
ACTION_ORDER = {action: index for index, action in enumerate(ACTIONS)}
# Models of other packages whose permissions roles grant: the module they are shown under, and their
# name there (django-auditlog's own names are English only).
ADOPTED_MODELS = {("auditlog", "logentry"): ("core", gettext_lazy("Change log"))}


def permission_key(permission) -> str:
    """``app_label.codename``: how data files, ``has_perm`` and the change log name a permission."""
    return f"{permission.content_type.app_label}.{permission.codename}"


@dataclass
class ActionNode:
    pk: int
    key: str  # app_label.codename
    label: str
    checked: bool = False
    disabled: bool = False  # shown, but the editor may not change it


@dataclass
class ModelNode:
    key: str  # app_label.model
    label: str
    actions: list[ActionNode] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return all(action.checked for action in self.actions)


@dataclass
class ModuleNode:
    key: str  # app_label
    label: str
    models: list[ModelNode] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return all(model.checked for model in self.models)

    @property
    def checked_count(self) -> int:
        return sum(action.checked for model in self.models for action in model.actions)

    @property
    def action_count(self) -> int:
        return sum(len(model.actions) for model in self.models)


def _module_label(app_label: str) -> str:
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


def _model_of(app_label: str, model_name: str):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _model_label(app_label: str, model_name: str) -> str:
    if (app_label, model_name) in ADOPTED_MODELS:
        return str(ADOPTED_MODELS[app_label, model_name][1])
    model = _model_of(app_label, model_name)
    return str(model._meta.verbose_name) if model is not None else model_name


def _action_of(codename: str, model_name: str) -> str | None:
    action, _sep, rest = codename.partition("_")
    return action if action in ACTIONS and rest == model_name else None


def _module_of(app_label: str, model_name: str) -> str:
    return ADOPTED_MODELS.get((app_label, model_name), (app_label,))[0]


def _sort_key(app_label: str, model_name: str) -> tuple[int, int]:
    """Apps in INSTALLED_APPS order, models in their declaration order (adopted and unknown ones last)."""
    if (app_label, model_name) in ADOPTED_MODELS:
        labels = [config.label for config in apps.get_app_configs()]
        module = _module_of(app_label, model_name)
        return (labels.index(module) if module in labels else len(labels)), 10_000
    labels = [config.label for config in apps.get_app_configs()]
    app_index = labels.index(app_label) if app_label in labels else len(labels)
    models = []
    if app_index < len(labels):
        models = [model._meta.model_name for model in apps.get_app_config(app_label).get_models()]
    return app_index, models.index(model_name) if model_name in models else len(models)


def permission_tree(permissions: Iterable, checked: Iterable[int] = (), enabled: Iterable[int] | None = None):
    """The tree of ``permissions`` (with their content types loaded): ``checked`` and ``enabled`` are
    primary keys; ``enabled`` None means every box may be changed."""
    checked, enabled = set(checked), None if enabled is None else set(enabled)
    models: dict[tuple[str, str], list] = {}
    for perm in permissions:
        models.setdefault((perm.content_type.app_label, perm.content_type.model), []).append(perm)
    tree: dict[str, ModuleNode] = {}
    for app_label, model_name in sorted(models, key=lambda key: _sort_key(*key)):
        module_label = _module_of(app_label, model_name)
        module = tree.get(module_label)
        if module is None:
            module = tree[module_label] = ModuleNode(module_label, _module_label(module_label))
        node = ModelNode(f"{app_label}.{model_name}", _model_label(app_label, model_name))
        for perm in sorted(
            models[app_label, model_name],
            key=lambda p: (ACTION_ORDER.get(_action_of(p.codename, model_name), len(ACTIONS)), p.codename),
        ):
            action = _action_of(perm.codename, model_name)
            node.actions.append(
                ActionNode(
                    pk=perm.pk,
                    key=permission_key(perm),
                    # a module's own permission: its name is an English msgid (Meta.permissions)
                    label=str(ACTIONS[action]) if action else gettext(perm.name),
                    checked=perm.pk in checked,
                    disabled=enabled is not None and perm.pk not in enabled,
                )
            )
        module.models.append(node)
    return list(tree.values())


def describe(keys: Iterable[str]) -> list[str]:
    """Permissions named by ``app_label.codename``, one phrase per model: "seal point (view, add)".
    Keys that name no model (a permission since removed) are given as they are."""
    grouped: dict[tuple[str, str], list[str]] = {}
    loose = []
    for key in keys:
        app_label, _dot, codename = str(key).partition(".")
        action, _sep, model_name = codename.partition("_")
        if action in ACTIONS and (
            _model_of(app_label, model_name) is not None or (app_label, model_name) in ADOPTED_MODELS
        ):
            grouped.setdefault((app_label, model_name), []).append(action)
        else:
            loose.append(str(key))
    phrases = []
    for app_label, model_name in sorted(grouped, key=lambda key: _sort_key(*key)):
        actions = sorted(grouped[app_label, model_name], key=ACTION_ORDER.get)
        phrases.append(
            pgettext("permission change", "%(model)s (%(actions)s)")
            % {
                "model": _model_label(app_label, model_name),
                "actions": "、".join(str(ACTIONS[action]) for action in actions),
            }
        )
    return phrases + loose
