"""Columns of the archive lists and their exports."""

from django.utils.translation import gettext_lazy as _

from lantian.core.tables import Column, Table


class EnterpriseProfileTable(Table):
    columns = (
        Column("organization__name", _("enterprise"), linkify=True),
        Column("registered_name", visible=False),
        Column("industry"),
        Column("legal_representative", visible=False),
        Column("ldar_manager"),
        Column("ldar_manager_phone", sortable=False),
        Column("contact_person", visible=False),
        Column("contact_phone", sortable=False, visible=False),
        Column("status"),
        Column("submitted_at"),
        Column("reviewed_at", visible=False),
    )
    default_order = ("organization__path",)


class ProcessUnitTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("industry"),
        Column("safety_grade"),
        Column("annual_hours", visible=False),
        Column("raw_materials", sortable=False, visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise_id", "code")


class AreaTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("safety_grade"),
        Column("importance_grade"),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise_id", "unit_id", "code")


class EquipmentTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("equipment_type"),
        Column("location", visible=False),
        Column("safety_grade", visible=False),
        Column("importance_grade", visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise_id", "unit_id", "area_id", "code")


class ComponentGroupTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("enterprise__name", _("enterprise"), visible=False),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("equipment__name", _("equipment")),
        Column("material_name"),
        Column("material_state"),
        Column("department", visible=False),
        Column("positioning_equipment", visible=False),
        Column("bearing", visible=False),
        Column("platform_level", visible=False),
        Column("point_count"),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise_id", "unit_id", "area_id", "equipment_id", "code")


class SealPointTable(Table):
    columns = (
        Column("tag", linkify=True),
        Column("code"),
        Column("seal_type__name", _("seal-point type")),
        Column("enterprise__name", _("enterprise"), visible=False),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("equipment__name", _("equipment"), visible=False),
        Column("group__name", _("component group"), visible=False),
        Column("extension_number", visible=False),
        Column("extension_code", visible=False),
        Column("material_name"),
        Column("material_state"),
        Column("is_dynamic"),
        Column("insulated", visible=False),
        Column("nominal_diameter", visible=False),
        Column("height", visible=False),
        Column("distance", visible=False),
        Column("period_months", visible=False),
        Column("accessible"),
        Column("inaccessible_reason", sortable=False, visible=False),
        Column("is_valid"),
        Column("remark", sortable=False, visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("enterprise_id", "unit_id", "area_id", "equipment_id", "group_id", "extension_number")


class SealPointTypeTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("code"),
        Column("is_dynamic"),
        Column("period_months"),
        Column("source", sortable=False),
    )
    default_order = ("sort_order", "code")


class UnitShutdownTable(Table):
    columns = (
        Column("start", linkify=True),
        Column("end"),
        Column("enterprise__name", _("enterprise")),
        Column("unit__name", _("unit")),
        Column("area__name", _("area")),
        Column("reason", sortable=False),
        Column("recorder"),
    )
    default_order = ("-start", "-pk")


class DetectionInstrumentTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("instrument_model"),
        Column("serial_number"),
        Column("detector_type"),
        Column("organization__name", _("owner")),
        Column("manufacturer", visible=False),
        Column("measuring_range", visible=False),
        Column("calibrated_on", visible=False),
        Column("calibration_due"),
        Column("is_active"),
    )
    default_order = ("organization_id", "serial_number")
