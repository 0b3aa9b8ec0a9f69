"""Generic object views (NetBox style): every queryset goes through ``restrict(user, action)``.

Domain views subclass these and say only what differs: the model, table, filterset, form and
the fields shown on the detail page.
"""

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from lantian.core.scope import permission_name


class OutOfScope(Exception):
    """A write would leave the user's scope; raised inside the transaction to roll it back."""


class ObjectView(LoginRequiredMixin):
    model = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            permission_name(self.model, self.action)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def restricted(self, action: str | None = None):
        return self.model.objects.restrict(self.request.user, action or self.action)

    def url_name(self, action: str) -> str:
        return f"{self.model._meta.app_label}:{self.model._meta.model_name}_{action}"

    def can(self, action: str) -> bool:
        return self.request.user.has_perm(permission_name(self.model, action))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            model=self.model,
            verbose_name=self.model._meta.verbose_name,
            verbose_name_plural=self.model._meta.verbose_name_plural,
            list_url=reverse(self.url_name("list")),
        )
        return context


class ObjectListView(ObjectView, ListView):
    table_class = None
    filterset_class = None
    template_name = "generic/object_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = self.restricted()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            queryset = self.filterset.qs
        self.table = self.table_class(self.model, sort=self.request.GET.get("sort"))
        return self.table.order(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context.update(
            table=self.table,
            headers=self.table.headers(),
            rows=self.table.rows(context["object_list"]),
            filterset=self.filterset,
            query_string=query.urlencode(),
            sort_query_string=sort_query.urlencode(),
            add_url=reverse(self.url_name("add")) if self.can("add") and self.has_add_page() else None,
        )
        return context

    def has_add_page(self) -> bool:
        from django.urls import NoReverseMatch

        try:
            reverse(self.url_name("add"))
        except NoReverseMatch:
            return False
        return True


class ObjectDetailView(ObjectView, TemplateView):
    template_name = "generic/object_detail.html"
    detail_fields: tuple[str, ...] = ()

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
            fields=[self.field_row(obj, name) for name in self.detail_fields],
            changelog=LogEntry.objects.get_for_object(obj).select_related("actor")[:50],
            edit_url=self.object_url("edit", obj),
            delete_url=self.object_url("delete", obj),
        )
        return context

    def object_url(self, action: str, obj):
        if not self.restricted(action.replace("edit", "change")).filter(pk=obj.pk).exists():
            return None
        from django.urls import NoReverseMatch

        try:
            return reverse(self.url_name(action), args=[obj.pk])
        except NoReverseMatch:
            return None

    @staticmethod
    def field_row(obj, name: str) -> dict:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if display is not None else getattr(obj, name)
        if field.many_to_many:
            value = "、".join(str(item) for item in value.all())
        link = value.get_absolute_url() if hasattr(value, "get_absolute_url") else None
        return {"label": field.verbose_name, "value": value, "link": link}


class ObjectEditView(ObjectView, TemplateView):
    """Create (no ``pk``) or change an object; the write is re-checked against scope before commit."""

    form_class = None
    template_name = "generic/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(self.restricted(), pk=self.kwargs["pk"])
        return self.model()

    def get_form(self, data=None):
        return self.form_class(data=data, instance=self.object, user=self.request.user, action=self.action)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.save(form)
                    if not self.restricted().filter(pk=obj.pk).exists():
                        raise OutOfScope
            except OutOfScope:
                form.add_error(None, _("You may not save this object there: it would be outside your scope."))
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))

    def save(self, form):
        return form.save()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object if self.object.pk else None
        return context


class ObjectDeleteView(ObjectView, TemplateView):
    action = "delete"
    template_name = "generic/object_delete.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.restricted(), pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = get_object_or_404(self.restricted().select_for_update(), pk=kwargs["pk"])
            name = str(obj)
            try:
                obj.delete()
            except ProtectedError:
                messages.error(
                    request, _("%(object)s is still in use and cannot be deleted.") % {"object": name}
                )
                return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted %(object)s.") % {"object": name})
        return HttpResponseRedirect(reverse(self.url_name("list")))
