"""What waits for whom: the cases at a step where the user's role acts (each role's queue)."""

from django.db.models import Count, Q

from lantian.cases import roles
from lantian.cases.models import Case, WorkflowVersion
from lantian.core.models import Organization


def acting_condition(user) -> Q | None:
    """The cases whose current step is acted on by one of ``user``'s roles; None if there are none.

    Read from the versions that running cases follow (a handful), not per case."""
    codes = roles.role_codes(user)
    if not codes:
        return None
    running = Case.objects.open().values_list("workflow_version", flat=True).distinct()
    condition = Q()
    for version in WorkflowVersion.objects.filter(pk__in=running).only("definition"):
        steps = [step.code for step in version.parsed.steps if step.role in codes and not step.terminal]
        if steps:
            condition |= Q(workflow_version=version.pk, step__in=steps)
    return condition or None


def my_queue(user):
    """Open cases (not parked) waiting for ``user``, most urgent first."""
    condition = acting_condition(user)
    if condition is None:
        return Case.objects.none()
    queryset = Case.objects.restrict(user, "change").filter(condition, state="open")
    if roles.HANDLER in roles.role_codes(user) and user.organization is not None:
        own = Organization.objects.filter(path__startswith=user.organization.path).values("pk")
        queryset = queryset.filter(department__in=own)
    return queryset.order_by("due_at", "created_at")


def queue_counts(user) -> list[dict]:
    """Per step name: how many cases wait for ``user`` and how many of them are overdue."""
    rows = (
        my_queue(user)
        .order_by()
        .values("step_name")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(clock="overdue")))
        .order_by("step_name")
    )
    return list(rows)
