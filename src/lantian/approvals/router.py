"""Database routing of the 前置库: the exchange tables (``models.exchange``, outside the global model
registry and created by ``exchange.ensure_tables``) live in the database ``exchange``; nothing of
the application's own models is migrated there."""

EXCHANGE = "exchange"


def is_exchange_model(model) -> bool:
    return getattr(model, "exchange", False) is True


class ExchangeRouter:
    def db_for_read(self, model, **hints):
        return EXCHANGE if is_exchange_model(model) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        if is_exchange_model(type(obj1)) or is_exchange_model(type(obj2)):
            return is_exchange_model(type(obj1)) and is_exchange_model(type(obj2))
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == EXCHANGE else None
