"""Names that other packages show on our pages but translate to no Chinese of their own.

Role pages and the change log name models by their verbose names, and django-axes and
django-auditlog ship no zh-hans catalogue. Django merges every catalogue of the "django" domain, so
listing their English words here puts them, with our translations, into the project's catalogue.
"""

from django.utils.translation import gettext_noop

FOREIGN_NAMES = (
    # django-axes (login lockout)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access logs"),
    # django-auditlog
    gettext_noop("log entry"),
    gettext_noop("log entries"),
)
