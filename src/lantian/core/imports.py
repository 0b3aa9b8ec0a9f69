"""Excel import of the core models: organisations, user accounts and administrative divisions."""

from functools import reduce
from operator import or_

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.excel.importing import WriteRefused, chunks
from lantian.core.excel.report import RowError
from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.forms import division_errors
from lantian.core.models import Division, Organization, PasswordHistory
from lantian.core.roles import assignable_roles, unfit_roles_message
from lantian.core.scope import scope_for
from lantian.core.standards.credit_code import normalize_credit_code


class OrganizationImportSpec(ImportSpec):
    """Organisations keep their materialised path: a provisional one while rows are checked (so the
    scope and "not under itself" checks see where a row goes), the real one once ids exist."""

    def fill(self, row, importer):
        org = row.obj
        if org.pk is not None and "parent" not in row.values:
            return  # not moved: the stored path stands
        parent_path = org.parent.path if org.parent_id is not None or org.parent is not None else "/"
        org.path = f"{parent_path}{org.pk or 0}/"  # 0: an id no row has yet
        org.depth = parent_path.count("/") - 1

    def clean_row(self, row, importer):
        user, org = importer.user, row.obj
        if user is None or scope_for(user).everything:
            return
        if org.pk is not None and org.pk == user.organization_id:
            if row.changed & {"parent", "kind", "is_active"}:
                row.add_error(None, _("You cannot move, re-kind or disable your own organization."))
        elif org.parent_id is None and org.parent is None:
            row.add_error("parent", _("This value is required."))

    def written(self, importer):
        """The real paths of new and moved organisations and everything under the moved ones."""
        created = [r.obj for r in importer.rows if r.action == "add"]
        moved = [r for r in importer.rows if r.action == "change" and "parent" in r.changed]
        if not created and not moved:
            return
        nodes = {org.pk: org for org in created} | {r.obj.pk: r.obj for r in moved}
        if moved:
            subtrees = reduce(or_, (Q(path__startswith=r.before.path) for r in moved))
            for org in Organization.objects.filter(subtrees).only("pk", "parent_id", "path", "depth"):
                nodes.setdefault(org.pk, org)
        outside = {
            o.parent_id for o in nodes.values() if o.parent_id is not None and o.parent_id not in nodes
        }
        known = {}
        for chunk in chunks(outside):
            known.update(Organization.objects.filter(pk__in=chunk).values_list("pk", "path"))

        def path_of(pk, trail=()):
            if pk in known:
                return known[pk]
            if pk in trail:
                row = next(r for r in moved if r.obj.pk == pk)
                message = _("An organization cannot be placed under itself or its own subordinate.")
                raise WriteRefused([RowError(row.number, importer.columns["parent"].header, "", message)])
            parent = nodes[pk].parent_id
            known[pk] = (path_of(parent, (*trail, pk)) if parent is not None else "/") + f"{pk}/"
            return known[pk]

        written = {org.pk for org in created} | {r.obj.pk for r in moved}  # stored with a provisional path
        stale = []
        for org in nodes.values():
            path = path_of(org.pk)
            if org.pk in written or org.path != path:
                org.path, org.depth = path, path.count("/") - 2
                stale.append(org)
        Organization.objects.bulk_update(stale, ["path", "depth"], batch_size=500)


class UserImportSpec(ImportSpec):
    """New accounts get an initial password they must change at first login; roles only as the
    account form allows: those the importing user may grant, fitting the organisation's kind."""

    def offered(self, name, queryset, user):
        return queryset & assignable_roles(user) if name == "roles" else queryset

    def prepare(self, importer):
        everything = importer.user is None or scope_for(importer.user).everything
        importer.assignable = (
            None if everything else set(assignable_roles(importer.user).values_list("pk", flat=True))
        )

    def clean_row(self, row, importer):
        user, account = importer.user, row.obj
        if account.pk is None:
            password = row.values.get("initial_password")
            if not password:
                row.add_error("initial_password", _("A new account needs an initial password."))
            else:
                try:
                    password_validation.validate_password(password, account)
                except ValidationError as error:
                    row.add_error("initial_password", " ".join(error.messages))
        roles = row.many.get("roles")
        if roles and "roles" not in row.errors:
            withheld = [
                r.name for r in roles if importer.assignable is not None and r.pk not in importer.assignable
            ]
            organization = account.organization if "organization" not in row.errors else None
            unfit = unfit_roles_message(organization, roles) if organization else None
            if withheld:
                row.add_error("roles", _("You cannot grant %(roles)s.") % {"roles": "、".join(withheld)})
            elif unfit:
                row.add_error("roles", unfit)
        if (
            user is not None
            and account.pk == user.pk
            and row.changed & {"organization", "roles", "is_active"}
        ):
            row.add_error(None, _("Nobody changes their own organization, roles or status."))

    def before_write(self, importer):
        now = timezone.now()
        for row in importer.rows:
            if row.action == "add":
                row.obj.set_password(row.values["initial_password"])
                row.obj.must_change_password = True
                row.obj.password_changed_at = now

    def written(self, importer):
        # What User.save() does through the password validators: remember the password against reuse.
        PasswordHistory.objects.bulk_create(
            PasswordHistory(user=row.obj, password=row.obj.password)
            for row in importer.rows
            if row.action == "add"
        )


class DivisionImportSpec(ImportSpec):
    def clean_row(self, row, importer):
        division = row.obj
        parent = division.parent if division.pk is None or "parent" in row.values else None
        errors = division_errors(division.code, division.level, parent)
        if division.pk is not None and "parent" not in row.values:
            errors.pop("parent", None)  # not in the file: the stored parent stands
        for name, message in errors.items():
            row.add_error(name, message)


ORGANIZATIONS = OrganizationImportSpec(
    fields=(
        ImportField("name", example="甲县示范化工有限公司"),
        ImportField("short_name", example="示范化工"),
        ImportField("kind", example=Organization.Kind.ENTERPRISE.label),
        ImportField(
            "parent",
            lookup=("credit_code", "name"),
            example="甲县分局",
            help_text=gettext_lazy(
                "The parent organization's credit code or name; an organization in a row above will do."
            ),
        ),
        ImportField(
            "division",
            lookup=("code", "name"),
            example="610323",
            help_text=gettext_lazy("The six-digit division code (or the division's name)."),
        ),
        ImportField("credit_code", normalize=normalize_credit_code, example="91610323MA6XK0009U"),
        ImportField("address", example="甲县工业园区 1 号"),
        ImportField("contact_person", example="张三"),
        ImportField("contact_phone", example="13800000000"),
        ImportField("longitude", example=107.5),
        ImportField("latitude", example=34.36),
        ImportField("is_active", example=True),
    ),
    keys=(("credit_code",), ("parent", "name")),
)

USERS = UserImportSpec(
    fields=(
        ImportField("username", example="zhangsan"),
        ImportField("name", example="张三"),
        ImportField(
            "organization",
            lookup=("credit_code", "name"),
            required=True,
            example="甲县分局",
            help_text=gettext_lazy("The organization's credit code or name."),
        ),
        ImportField(
            "roles",
            lookup=("name", "code"),
            required=True,
            example="企业管理员",
            help_text=gettext_lazy("One or more role names, separated by 、 or a comma."),
        ),
        ImportField("phone", example="13800000000"),
        ImportField("email", example="zhangsan@example.com"),
        ImportField("is_active", example=True),
        ImportField(
            "initial_password",
            label=gettext_lazy("initial password"),
            extra=True,
            secret=True,
            example="Lantian@2026",
            help_text=gettext_lazy(
                "Needed for new accounts only, which must change it at first login; stored accounts keep "
                "their password. It is never shown in reports."
            ),
        ),
    ),
    keys=(("username",),),
    deletable=False,  # accounts are disabled, never deleted: their history must stay attributable
)

DIVISIONS = DivisionImportSpec(
    fields=(
        ImportField("code", example="610323"),
        ImportField("name", example="岐山县"),
        ImportField("level", example=Division.Level.COUNTY.label),
        ImportField(
            "parent",
            lookup=("code",),
            example="610300",
            help_text=gettext_lazy(
                "The parent division's six-digit code; a division in a row above will do."
            ),
        ),
    ),
    keys=(("code",),),
)
