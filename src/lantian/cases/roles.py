"""The command centre's roles (data/roles.json) and who sees which cases.

Most holders of the case permissions see the cases of their organisation's subtree (the command
centre, the bureau above it). Two roles see less, whatever their organisation:

- a department's handlers (专业部门处置人员) see only the cases dispatched to their department;
- a grid worker (网格员) sees the cases they reported and those sent to them to verify or check.

A user holding any other role that opens cases sees by organisation as usual.
"""

from django.utils.translation import gettext_noop

GRID_WORKER = "cases_grid_worker"
OPERATOR = "cases_operator"
DISPATCHER = "cases_dispatcher"
HANDLER = "cases_handler"
LEADER = "cases_leader"
LIMITED = frozenset({GRID_WORKER, HANDLER})

SEED_TEXTS = (
    gettext_noop("Grid worker"),
    gettext_noop("Reports problems found on patrol in their grid, verifies reports and checks the results."),
    gettext_noop("Case operator"),
    gettext_noop("Takes hotline and public reports, registers cases and closes them."),
    gettext_noop("Dispatcher"),
    gettext_noop("Dispatches registered cases to the departments that handle them."),
    gettext_noop("Department handler"),
    gettext_noop("Handles the cases dispatched to their department and reports the result."),
    gettext_noop("Command centre leader"),
    gettext_noop("Follows progress, departments' load and overdue cases; urges and supervises."),
)


def role_codes(user) -> frozenset[str]:
    """The codes of ``user``'s roles, read once per user object (i.e. once per request)."""
    cached = getattr(user, "_cases_role_codes", None)
    if cached is None:
        cached = (
            frozenset(user.roles.values_list("code", flat=True)) if user.is_authenticated else frozenset()
        )
        if user.is_authenticated:
            user._cases_role_codes = cached
    return cached


def audience(user) -> str:
    """ "department", "grid_worker" or "organization": how ``user``'s cases are limited."""
    cached = getattr(user, "_cases_audience", None)
    if cached is not None:
        return cached
    codes = role_codes(user)
    result = "organization"
    if codes & LIMITED and codes <= LIMITED | _outside_cases(codes):
        result = "department" if HANDLER in codes else "grid_worker"
    if user.is_authenticated:
        user._cases_audience = result
    return result


def _outside_cases(codes) -> frozenset[str]:
    """Roles that give nothing on cases (so do not widen the view of a limited role)."""
    from lantian.core.models import Role

    return frozenset(
        Role.objects.filter(code__in=codes - LIMITED)
        .exclude(permissions__content_type__app_label="cases")
        .values_list("code", flat=True)
    )
