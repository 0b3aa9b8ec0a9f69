from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What the built-in roles may do with filings in the tests: enterprises file, bureaus review. A
# bureau holds what an enterprise does too, or it could no longer give enterprise accounts their role.
FILER = ("view", "add", "change", "delete", "export")
GRANTS = {"enterprise_admin": FILER, "bureau_admin": (*FILER, "review")}


class TestappConfig(AppConfig):
    """A stand-in domain module: one reviewable model, registered like any module's."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tests.testapp import registrations  # noqa: F401

        # Connected after core's role synchronisation, so it runs after it and adds to the roles.
        post_migrate.connect(grant_filing_permissions, sender=self, dispatch_uid="tests.testapp.grants")


def grant_filing_permissions(sender, **kwargs):
    from django.contrib.auth.models import Permission

    from lantian.core.models import Role

    for code, actions in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            codenames = [f"{action}_filing" for action in actions]
            role.permissions.add(
                *Permission.objects.filter(content_type__app_label="testapp", codename__in=codenames)
            )
