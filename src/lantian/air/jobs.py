"""Periodic jobs of the air-quality module (lantian.core.periodic)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job

from . import pipeline


@periodic_job(
    "air.hourly",
    every=timedelta(minutes=5),
    description=_("Air quality: new gateway packets into hourly and daily values, and anomaly checks"),
)
def hourly_values(now):
    return pipeline.run(now)
