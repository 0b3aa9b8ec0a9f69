"""The module's own role (data/roles.json): its name and description as msgids."""

from django.utils.translation import gettext_noop

TOWNSHIP_STAFF = "air_township_staff"

SEED_TEXTS = (
    gettext_noop("Township air-quality staff"),
    gettext_noop(
        "Township office staff: see their township's air stations, data, rankings and anomalies, and "
        "explain the anomalies."
    ),
)
