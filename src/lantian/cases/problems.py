"""The workflow kernel's problems (lantian.cases.engine.Problem) in words."""

from django.utils.translation import gettext_lazy as _

from lantian.cases.engine import Problem

MESSAGES = {
    "no_steps": _("The workflow has no steps."),
    "too_many_steps": _("A workflow has at most %s steps."),
    "too_many_transitions": _("A workflow has at most %s transitions."),
    "duplicate_step": _("Two steps have the code “%s”."),
    "bad_code": _(
        "“%s” is not a step code: use 1 to 30 lower-case letters, digits or _, starting with a letter."
    ),
    "unnamed_step": _("Step “%s” has no name."),
    "bad_unit": _("Step “%s”: the unit “%s” is neither working hours nor working days."),
    "bad_limit": _("Step “%s”: the time limit %s is not a whole number from 0 to %s."),
    "no_role": _("Step “%s” names no role that acts at it."),
    "bad_side_action": _("Step “%s”: “%s” is not a side action."),
    "terminal_side_actions": _("Step “%s” closes the case and allows no side actions."),
    "unknown_role": _("Step “%s”: there is no role with the code “%s”."),
    "unknown_start": _("The start step “%s” is not one of the steps."),
    "unknown_transition_step": _("Transition “%s”: there is no step “%s”."),
    "loop_transition": _("A transition leads from step “%s” to itself."),
    "duplicate_transition": _("There are two transitions from “%s” to “%s”."),
    "unnamed_transition": _("The transition from “%s” to “%s” has no name."),
    "leaves_terminal": _("Step “%s” closes the case: no transition may leave it."),
    "no_terminal": _("No step closes the case: mark one as the closing step."),
    "start_is_terminal": _("The start step “%s” cannot close the case."),
    "unreachable": _("Step “%s” cannot be reached from the start."),
    "no_way_to_close": _("From step “%s” there is no way to a closing step."),
    "department_not_dispatched": _(
        "Step “%s” is a department's, but a case can reach it without being dispatched."
    ),
}


def describe(problem: Problem) -> str:
    message = str(MESSAGES[problem.code])
    return message % problem.values if problem.values else message
