"""Rules a service link (``OrganizationLink``) must satisfy, contributed by the modules.

Core imports no module, so a module that puts a condition on who may serve whom registers a rule
from its app's ``ready()``::

    from lantian.core.links import register_link_rule

    def approved_agencies_only(link):
        if link.provider.kind == "agency" and not has_approved_filing(link.provider):
            raise ValidationError({"provider": _("… has no approved filing …")})

    register_link_rule(approved_agencies_only)

``OrganizationLink.clean()`` runs every rule when a link is created or its provider or client
changes (changing only its start date keeps an existing link as it is). The add and edit pages,
the REST API (which validates with the same form) and the Excel import (which calls
``full_clean``) all go through it, so they refuse the same links with the same message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

LinkRule = Callable[..., None]  # rule(link) -> None, or raises ValidationError (by field)

_rules: list[LinkRule] = []


def register_link_rule(rule: LinkRule) -> LinkRule:
    """Add a rule (idempotent; usable as a decorator)."""
    if rule not in _rules:
        _rules.append(rule)
    return rule


def unregister_link_rule(rule: LinkRule) -> None:
    if rule in _rules:
        _rules.remove(rule)


def link_rules() -> tuple[LinkRule, ...]:
    return tuple(_rules)


def link_errors(link) -> dict[str, list]:
    """The errors of every rule for ``link``, merged by field (empty if it may exist)."""
    errors: dict[str, list] = {}
    for rule in _rules:
        try:
            rule(link)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    return errors
