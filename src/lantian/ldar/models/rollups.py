"""Roll-ups the big screens read instead of scanning the archive (spec §8).

``SealPointCount`` holds the number of valid seal points per enterprise, unit, seal-point type,
accessibility and dynamic/static. Database triggers on ``ldar_sealpoint`` keep it (migration
``0010_sealpoint_counts``): every write path — a form's save, an import's ``bulk_create``, a bulk
edit's ``QuerySet.update``, a move of a subtree, a delete — changes it in the same transaction, so a
screen never shows a count older than the archive. Rows may fall to zero; readers skip them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager
from lantian.ldar.models.archive import ProcessUnit, SealPoint, SealPointType
from lantian.ldar.models.repair import DetectionDue

# The triggers write these columns (with "_id" on the references); the migration's SQL names them.
KEY_FIELDS = ("enterprise", "unit", "seal_type", "accessible", "is_dynamic")


def _reference(model, name: str):
    # Derived rows: no constraint, so deleting a unit or type never waits for the roll-up.
    return models.ForeignKey(
        model, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False, verbose_name=name
    )


class SealPointCount(models.Model):
    enterprise = _reference(Organization, _("enterprise"))
    unit = _reference(ProcessUnit, _("unit"))
    seal_type = _reference(SealPointType, _("seal-point type"))
    accessible = models.BooleanField(_("accessible"))
    is_dynamic = models.BooleanField(_("dynamic"))
    n = models.IntegerField(_("valid seal points"), default=0)

    # Read with the seal points' own scope: the bureau its jurisdiction, an enterprise itself.
    scope_path = SealPoint.scope_path
    scope_follows_links = SealPoint.scope_follows_links
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("seal-point count")
        verbose_name_plural = _("seal-point counts")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=KEY_FIELDS, name="ldar_sealpointcount_key")]

    def __str__(self):
        return f"{self.enterprise_id}/{self.unit_id}/{self.seal_type_id}: {self.n}"


class DetectionDueCount(models.Model):
    """The seal points per enterprise and detection-due state (``DetectionDue``, which the repair
    module's periodic job rewrites), kept by triggers on ``ldar_detectiondue`` (migration
    ``0011_detectiondue_counts``)."""

    enterprise = _reference(Organization, _("enterprise"))
    state = models.CharField(_("status"), max_length=10)
    n = models.IntegerField(_("seal points"), default=0)

    # Read with the due states' own scope.
    scope_path = DetectionDue.scope_path
    scope_follows_links = DetectionDue.scope_follows_links
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("detection-due count")
        verbose_name_plural = _("detection-due counts")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=("enterprise", "state"), name="ldar_detectionduecount_key")
        ]

    def __str__(self):
        return f"{self.enterprise_id}/{self.state}: {self.n}"
