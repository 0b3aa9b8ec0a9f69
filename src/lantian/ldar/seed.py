"""Seed data of the archive: the seal-point types of GB 37822-2019 (``standards.components``)."""

from lantian.ldar.standards.components import COMPONENT_TYPES, STANDARD


def sync_seal_point_types(type_model) -> int:
    """Create the standard's seal-point types that are missing, leave the others as administrators
    left them. Takes the model class so the data migration can pass its historical model."""
    created = 0
    for order, component in enumerate(COMPONENT_TYPES, start=1):
        _obj, new = type_model.objects.get_or_create(
            code=component.code,
            defaults={
                "name": component.name,
                "is_dynamic": component.dynamic,
                "period_months": component.period_months,
                "source": f"{STANDARD} {component.clause}",
                "sort_order": order,
            },
        )
        created += new
    return created
