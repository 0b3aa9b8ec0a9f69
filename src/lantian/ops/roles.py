"""The ops role's texts for the catalogue (data/roles.json holds the English msgids)."""

from django.utils.translation import gettext_noop

SEED_TEXTS = (
    gettext_noop("Operations supervisor (client)"),
    gettext_noop(
        "The client's supervisor of operations contracts: reads their records, approves maintenance windows "
        "and staff changes, confirms or waives the monthly deductions."
    ),
)
