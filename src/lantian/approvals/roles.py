"""The approvals roles' English names and descriptions (data/roles.json), marked for translation."""

from django.utils.translation import gettext_noop

SEED_TEXTS = (
    gettext_noop("Approval supervisor"),
    gettext_noop(
        "Supervises construction-project approvals of the city: projects, items, time limits, data "
        "quality, the exchange with the provincial system and corrections."
    ),
    gettext_noop("Approval department handler"),
    gettext_noop(
        "Handles the approval items of a department: its cases, handling records, rectification tasks "
        "and exchange failures; asks for corrections."
    ),
)
