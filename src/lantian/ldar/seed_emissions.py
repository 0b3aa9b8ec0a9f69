"""Seed data of the emission coefficients: every cell of the guide's two sets (``standards.factors``)."""

from lantian.ldar import standards


def sync_emission_coefficients(coefficient_model) -> int:
    """Create the cells that are missing with the guide's values; leave the others as administrators
    left them. Takes the model class so the data migration can pass its historical model."""
    created = 0
    for (industry, component_type, state), values in standards.GUIDE_COEFFICIENTS.cells().items():
        equation = standards.correlation(component_type, state, industry)
        factor = standards.average_factor(component_type, state, industry)
        note = "; ".join(text for text in (equation.note, factor.note) if text)
        _obj, new = coefficient_model.objects.get_or_create(
            coefficient_set=industry,
            component_type=component_type,
            material_state=state,
            defaults={
                **values,
                "source": f"{equation.source}: {equation.name}; {factor.source}: {factor.name}"[:200],
                "note": note[:300],
            },
        )
        created += new
    return created
