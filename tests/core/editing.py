"""Helpers of the generated edit tests: who edits a case's object, what a user sees of a row, and
trying a write without keeping it."""

import pytest
from django.contrib.messages import SUCCESS
from django.db import transaction

from lantian.core.forms import current_data
from lantian.core.registry import registration_for


def snapshot(obj) -> dict:
    """What a user can observe of the row: every stored field (but auto-stamped times) and relation."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not getattr(f, "auto_now", False)
    }
    for f in obj._meta.many_to_many:
        values[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return values


def outcome(response, obj) -> tuple[bool, dict]:
    # Only what this request said: older messages may still ride in the cookie.
    saved = any(m.level == SUCCESS for m in response.wsgi_request._messages._queued_messages)
    return saved, snapshot(obj)


class Undo(Exception):
    pass


def tried(write):
    """The outcome of ``write()``, then undone."""
    try:
        with transaction.atomic():
            result = write()
            raise Undo
    except Undo:
        return result


def editor(tree, case, obj, login):
    """A logged-in client of the case's member if they may save ``obj`` unchanged on its edit page,
    else of the system administrator; and that user."""
    registration = registration_for(case.model)
    url = registration.url("edit", obj)
    for user in (getattr(tree, case.member), tree.admin):
        client = login(user)
        # every value of a multiple choice, as a browser posts them (the client keeps a dict value's last)
        data = dict(current_data(registration.form(instance=obj, user=user, action="change")).lists())
        if tried(lambda client=client, data=data: outcome(client.post(url, data), obj))[0]:
            return client, user
        client.logout()
    # e.g. a built-in role, which its form refuses to change: the edit page has nothing to compare.
    pytest.skip(f"{case.id}: nobody may save the case's object on its edit page")
