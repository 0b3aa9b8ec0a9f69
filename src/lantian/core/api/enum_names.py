"""Names of the API schema's choice sets, one per distinct set of choices, taken from the registered
models (``AppModelFieldEnum``). drf-spectacular names an enum after its field alone, so two modules'
``status`` or ``kind`` fields with different choices would collide (and be given hashed names).

No Django import at module level: the settings refer to this module before the apps are ready; the
names are computed when drf-spectacular first reads them, once every module has registered.
"""

from collections.abc import Iterator, Mapping


class RegisteredEnumNames(Mapping):
    def _names(self) -> dict[str, list]:
        from lantian.core.registry import registrations

        names, seen = {}, set()

        def add(name: str, flat) -> None:
            choices = [(value, str(label)) for value, label in flat if value not in ("", None)]
            values = tuple(sorted((str(value), label) for value, label in choices))
            if choices and values not in seen and name not in names:
                seen.add(values)
                names[name] = choices

        for registration in registrations():  # the models' own fields first, then forms and filters
            model = registration.model
            prefix = f"{model._meta.app_label.title()}{model.__name__}"
            for field in model._meta.concrete_fields:
                if field.choices:
                    add(f"{prefix}{camel(field.name)}Enum", field.flatchoices)
        for registration in registrations():
            model = registration.model
            prefix = f"{model._meta.app_label.title()}{model.__name__}"
            form_fields = registration.form.base_fields if registration.form else {}
            filters = registration.filterset.base_filters if registration.filterset else {}
            for name, field in form_fields.items():
                if hasattr(field, "choices") and not hasattr(field, "queryset"):
                    add(f"{prefix}{camel(name)}Enum", flatten(field.choices))
            for name, filter_ in filters.items():  # a filter's form field needs a request: read its choices
                choices = filter_.extra.get("choices")
                if choices is not None and not callable(choices):
                    add(f"{prefix}{camel(name)}Enum", flatten(choices))
        return names

    def __getitem__(self, key):
        return self._names()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def flatten(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            yield from label
        else:
            yield value, label
