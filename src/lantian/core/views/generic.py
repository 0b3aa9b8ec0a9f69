"""Generic object views (NetBox style), driven by a model's registration.

Every queryset goes through ``restrict(user, action)``; every write is re-checked against the
user's scope inside its transaction and rolled back if it left it. Domain views subclass these
and say only what differs.
"""

from types import SimpleNamespace

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from lantian.core.forms import current_data
from lantian.core.models import Locked, TablePreference
from lantian.core.review import is_locked, locked_reason
from lantian.core.scope import permission_name
from lantian.core.views.drafts import DraftMixin


class OutOfScope(Exception):
    """A write would leave the user's scope; raised inside the transaction to roll it back."""


class ObjectView(LoginRequiredMixin, TemplateView):
    """Base of every registered view. ``view_action`` names the action in ``registry.ACTIONS``."""

    registration = None
    view_action = "list"

    @property
    def model(self):
        return self.registration.model

    @property
    def action(self) -> str:
        return self.registration.permission_action(self.view_action)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            permission_name(self.model, self.action)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def restricted(self, action: str | None = None):
        return self.model.objects.restrict(self.request.user, action or self.action)

    def can(self, action: str) -> bool:
        return self.request.user.has_perm(permission_name(self.model, action))

    def url(self, action: str, obj=None) -> str | None:
        """The URL of ``action`` if the user holds its permission (object rights are checked per object)."""
        if not self.can(self.registration.permission_action(action)):
            return None
        return self.registration.url(action, obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            model=self.model,
            verbose_name=self.model._meta.verbose_name,
            verbose_name_plural=self.model._meta.verbose_name_plural,
            list_url=self.registration.url("list"),
        )
        return context


def table_key(registration) -> str:
    return f"{registration.app_label}.{registration.model_name}"


def table_for(registration, user, sort: str | None = None):
    """The registration's table with the columns ``user`` chose for it."""
    preference = TablePreference.objects.filter(user=user, table=table_key(registration)).first()
    return registration.table(
        registration.model, sort=sort, visible=preference.columns if preference else None
    )


def filter_rows(registration, user, query, action: str = "view"):
    """(rows ``user`` may ``action``, narrowed by the filters in ``query``; the bound filterset or None)."""
    queryset = registration.model.objects.restrict(user, action)
    if registration.filterset is None:
        return queryset, None
    # A filterset only asks its request for the user, to scope its dropdowns.
    filterset = registration.filterset(query, queryset=queryset, request=SimpleNamespace(user=user))
    return filterset.qs, filterset


class ObjectListView(ObjectView):
    view_action = "list"
    template_name = "generic/object_list.html"
    paginate_by = 50

    def filtered_queryset(self):
        queryset, self.filterset = filter_rows(
            self.registration, self.request.user, self.request.GET, self.action
        )
        return queryset

    def get_table(self):
        return table_for(self.registration, self.request.user, self.request.GET.get("sort"))

    def get_queryset(self):
        self.table = self.get_table()
        return self.table.optimize(self.table.order(self.filtered_queryset()))

    def post(self, request, *args, **kwargs):
        """Save the column choice."""
        columns = request.POST.getlist("columns")
        key = table_key(self.registration)
        if request.POST.get("reset") or not columns:
            TablePreference.objects.filter(user=request.user, table=key).delete()
        else:
            TablePreference.objects.update_or_create(
                user=request.user, table=key, defaults={"columns": columns}
            )
        return HttpResponseRedirect(request.get_full_path())

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["generic/object_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.get_queryset()
        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context.update(
            table=self.table,
            headers=self.table.headers(),
            rows=self.table.rows(page.object_list),
            page_obj=page,
            filterset=self.filterset,
            query_string=query.urlencode(),
            sort_query_string=sort_query.urlencode(),
            add_url=self.url("add"),
            import_url=self.url("import"),
            export_url=self.url("export"),
            bulk_edit_url=self.url("bulk_edit"),
            bulk_delete_url=self.url("bulk_delete"),
        )
        return context


class ObjectDetailView(ObjectView):
    view_action = "detail"
    template_name = "generic/object_detail.html"

    def get_template_names(self):
        return [self.registration.detail_template or self.template_name]

    def get_object(self):
        return get_object_or_404(self.restricted(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context.update(
            object=obj,
            fields=[self.field_row(obj, name) for name in self.registration.detail_fields],
            changelog=LogEntry.objects.get_for_object(obj).select_related("actor", "content_type")[:50],
            edit_url=self.object_url("edit", obj),
            delete_url=self.object_url("delete", obj),
        )
        return context

    def object_url(self, action: str, obj):
        """The URL of an object action, if this user may take it on this object."""
        permission = self.registration.permission_action(action)
        if not self.restricted(permission).filter(pk=obj.pk).exists():
            return None
        return self.registration.url(action, obj)

    @staticmethod
    def field_row(obj, name: str) -> dict:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if display is not None else getattr(obj, name)
        if field.many_to_many:
            value = "、".join(str(item) for item in value.all())
        link = value.get_absolute_url() if hasattr(value, "get_absolute_url") else None
        return {"label": field.verbose_name, "value": value, "link": link}


class ObjectEditView(DraftMixin, ObjectView):
    """Create (no ``pk``) or change an object; the write is re-checked against scope before commit.

    "Save draft" keeps the unfinished form (``DraftMixin``); a locked object (under review or
    approved) is neither edited nor deleted.
    """

    template_name = "generic/object_edit.html"

    @property
    def view_action(self):
        return "edit" if "pk" in self.kwargs else "add"

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(self.restricted(), pk=self.kwargs["pk"])
        return self.model()

    def get_form(self, data=None, files=None):
        return self.registration.form(
            data=data, files=files, instance=self.object, user=self.request.user, action=self.action
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if is_locked(self.object):
            return refuse_locked(request, self.object)
        form = self.get_form()
        draft = self.requested_draft(request.GET)
        if draft is not None:
            self.resume(form, draft)
        return self.render_to_response(self.get_context_data(form=form, draft=draft))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if is_locked(self.object):
            return refuse_locked(request, self.object)
        if "_save_draft" in request.POST:
            return self.save_draft_response(self.get_form())
        draft = self.posted_draft()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.save(form)
                    if not still_in_scope(request.user, self.model, [obj.pk], self.action):
                        raise OutOfScope
                    self.discard_drafts(draft)
            except OutOfScope:
                form.add_error(None, _("You may not save this object there: it would be outside your scope."))
            except Locked as error:  # it was submitted or approved while this form was open
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, draft=draft))

    def save(self, form):
        return form.save()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object if self.object.pk else None
        if context.get("draft") is None and self.object.pk:
            context["saved_draft"] = self.drafts().first()
        context["drafts_url"] = reverse("core:draft_list")
        return context


def refuse_locked(request, obj) -> HttpResponseRedirect:
    messages.error(request, locked_reason(obj))
    return HttpResponseRedirect(obj.get_absolute_url())


class ObjectDeleteView(ObjectView):
    view_action = "delete"
    template_name = "generic/object_delete.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.restricted(), pk=kwargs["pk"])
        if is_locked(self.object):
            return refuse_locked(request, self.object)
        return self.render_to_response(self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = get_object_or_404(self.restricted().select_for_update(), pk=kwargs["pk"])
            if is_locked(obj):
                return refuse_locked(request, obj)
            name = str(obj)
            try:
                with transaction.atomic():
                    obj.delete()
            except ProtectedError:
                messages.error(
                    request, _("%(object)s is still in use and cannot be deleted.") % {"object": name}
                )
                return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted %(object)s.") % {"object": name})
        return HttpResponseRedirect(self.registration.url("list"))


class BulkView(ObjectView):
    """Acts on the rows ticked on a list page (``pk`` values), all or nothing."""

    max_rows = 1000  # a list page ticks at most a page of rows; a request names no more than this

    def selected(self):
        pks = [pk for pk in self.request.POST.getlist("pk")[: self.max_rows + 1] if pk.isdigit()]
        return self.restricted().filter(pk__in=pks)

    def too_many(self) -> bool:
        if len(self.request.POST.getlist("pk")) <= self.max_rows:
            return False
        messages.error(
            self.request,
            _("Select at most %(count)d rows at a time.") % {"count": self.max_rows},
        )
        return True

    def return_url(self) -> str:
        """The list page the rows were ticked on (its filters kept); never another site."""
        target = self.request.POST.get("return_url", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return self.registration.url("list")

    def back(self):
        return HttpResponseRedirect(self.return_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["return_url"] = self.return_url()
        return context


class BulkDeleteView(BulkView):
    view_action = "bulk_delete"
    template_name = "generic/bulk_delete.html"

    def post(self, request, *args, **kwargs):
        if self.too_many():
            return self.back()
        objects = self.selected()
        if not objects.exists():
            messages.warning(request, _("Select the rows first."))
            return self.back()
        if not request.POST.get("confirm"):
            return self.render_to_response(self.get_context_data(objects=objects))
        count = objects.count()
        try:
            with transaction.atomic():
                for obj in objects.select_for_update():
                    obj.delete()  # one by one, so the change log records each
        except Locked as error:
            messages.error(request, _("Nothing was deleted: %(reason)s") % {"reason": error.messages[0]})
            return self.back()
        except ProtectedError as error:
            in_use = "、".join(sorted({str(o) for o in error.protected_objects})[:5])
            messages.error(
                request,
                _("Nothing was deleted: some rows are still in use (%(objects)s).") % {"objects": in_use},
            )
            return self.back()
        messages.success(
            request, ngettext("Deleted %(count)d row.", "Deleted %(count)d rows.", count) % {"count": count}
        )
        return self.back()


def unique_fields(model) -> set[str]:
    """Fields whose value must differ from row to row, which a bulk edit cannot set."""
    single = {
        c.fields[0] for c in model._meta.constraints if getattr(c, "fields", None) and len(c.fields) == 1
    }
    return single | {f.name for f in model._meta.get_fields() if getattr(f, "unique", False) and f.concrete}


def object_form(registration, user, obj, data=None):
    """The registered form of ``obj`` as its edit page builds it (bound to ``data`` if given)."""
    return registration.form(data=data, instance=obj, user=user, action="change")


class BulkEditForm(forms.Form):
    """The registered form's fields that a bulk edit may set, all optional; only the ticked ones apply.

    A field is offered if it is a model field that is not unique and that the edit form of at least
    one selected row leaves enabled. This form only shows the values and collects the errors: each row
    is validated and saved by its own edit form (``BulkEditView.apply``).
    """

    def __init__(self, registration, user, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = registration.model
        editable = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        editable -= unique_fields(model)
        offered = registration.form(instance=model(), user=user, action="change").fields
        candidates = editable & set(offered)
        enabled = set()
        for obj in rows:  # usually the first row's form already enables every candidate
            enabled |= {
                name for name, f in object_form(registration, user, obj).fields.items() if not f.disabled
            }
            if candidates <= enabled:
                break
        for name, field in offered.items():
            if name in candidates and name in enabled:
                field.required = False
                field.disabled = False
                self.fields[name] = field

    def full_clean(self):
        # Each row's own edit form judges the values (BulkEditView.apply): no rule is applied twice.
        self._errors, self.cleaned_data = ErrorDict(), {}

    def chosen(self) -> list[str]:
        return [name for name in self.data.getlist("_apply") if name in self.fields]


class BulkEditView(BulkView):
    """Sets the ticked fields on every selected row through the row's own edit form: the same
    validation as its edit page (``clean()``, disabled fields, role grants, own account and own
    organisation), the same save, every row or none, and the scope re-checked afresh afterwards."""

    view_action = "bulk_edit"
    template_name = "generic/bulk_edit.html"

    def post(self, request, *args, **kwargs):
        if self.too_many():
            return self.back()
        rows = list(self.selected())
        if not rows:
            messages.warning(request, _("Select the rows first."))
            return self.back()
        if not request.POST.get("apply"):
            form = BulkEditForm(self.registration, request.user, rows)
            return self.render_to_response(self.get_context_data(form=form, objects=rows))
        form = BulkEditForm(self.registration, request.user, rows, request.POST)
        if not form.chosen():
            form.add_error(None, _("Tick the fields to change."))
            return self.render_to_response(self.get_context_data(form=form, objects=rows))
        try:
            count = self.apply(form)
        except OutOfScope:
            form.add_error(
                None, _("You may not change these rows that way: they would be outside your scope.")
            )
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form, objects=rows))
        messages.success(
            request, ngettext("Changed %(count)d row.", "Changed %(count)d rows.", count) % {"count": count}
        )
        return self.back()

    def apply(self, form) -> int:
        """Bind each row's edit form to its current values with the ticked fields replaced and save it
        if valid; report every row's errors on ``form``; keep the writes only if no row had any.

        Rows are validated one after another against the rows already saved, so that two rows set to
        values that may not coexist (a code unique within its group) are reported, not left to the
        database to refuse."""
        chosen = form.chosen()
        with transaction.atomic():
            rows = list(self.selected().select_for_update())
            for obj in rows:
                if is_locked(obj):
                    form.add_error(None, f"{obj}: {locked_reason(obj)}")
                    continue
                row_form = self.row_form(obj, chosen)
                if self.report(form, obj, row_form, chosen):
                    try:
                        row_form.save()  # as the edit page saves, so the change log records each row
                    except Locked as error:
                        form.add_error(None, f"{obj}: {error.messages[0]}")
            if form.errors:
                transaction.set_rollback(True)
                return 0
            if not still_in_scope(self.request.user, self.model, [obj.pk for obj in rows], self.action):
                raise OutOfScope
        return len(rows)

    def row_form(self, obj, chosen: list[str]):
        data = current_data(object_form(self.registration, self.request.user, obj))
        for name in chosen:
            data.setlist(name, self.request.POST.getlist(name))
        return object_form(self.registration, self.request.user, obj, data)

    @staticmethod
    def report(form, obj, row_form, chosen) -> bool:
        """Copy ``row_form``'s errors onto the bulk ``form``, each naming the row; True if none."""
        ok = True
        for name in chosen:
            if name not in row_form.fields or row_form.fields[name].disabled:
                form.add_error(
                    name, _("%(object)s: this field cannot be changed on this row.") % {"object": obj}
                )
                ok = False
        if not row_form.is_valid():
            ok = False
            for name, errors in row_form.errors.items():
                for message in errors:
                    if name in chosen:
                        form.add_error(name, f"{obj}: {message}")
                    elif name == NON_FIELD_ERRORS:
                        form.add_error(None, f"{obj}: {message}")
                    else:
                        label = row_form.fields[name].label if name in row_form.fields else name
                        form.add_error(None, f"{obj} · {label}: {message}")
        return ok


def still_in_scope(user, model, pks, action: str) -> bool:
    """Whether every row of ``pks`` is still in ``user``'s scope for ``action``, judged afresh.

    Called after a write, inside its transaction. The user is read again: the write may have disabled
    the account or its organisation or moved that organisation, and the scope cached on the
    request's user (``scope_for``) was computed before it.
    """
    current = get_user_model()._default_manager.select_related("organization").get(pk=user.pk)
    return model.objects.restrict(current, action).filter(pk__in=pks).count() == len(set(pks))


VIEWS = {
    "list": ObjectListView,
    "detail": ObjectDetailView,
    "add": ObjectEditView,
    "edit": ObjectEditView,
    "delete": ObjectDeleteView,
    "bulk_edit": BulkEditView,
    "bulk_delete": BulkDeleteView,
}
