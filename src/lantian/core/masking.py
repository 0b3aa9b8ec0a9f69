"""How the change log masks secrets (settings.AUDITLOG_MASK_TRACKING_FIELDS)."""


def mask_secret(value: str) -> str:
    """Keep nothing of a secret: django-auditlog's default keeps the second half of the value, which
    for a device's 32-digit SM4 key would leave 16 digits in every change-log entry."""
    return "******" if value else ""
