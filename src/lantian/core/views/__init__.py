def __getattr__(name):
    # Imported lazily: the views need the app registry, this package is imported earlier.
    if name == "DEFAULT_VIEWS":
        from lantian.core.views import excel, generic, imports

        return {**generic.VIEWS, **excel.VIEWS, **imports.VIEWS}
    raise AttributeError(name)
