"""Drafts (草稿箱): any registered add or edit form saved unfinished, resumed later.

A draft keeps the posted values of the form's own fields, unvalidated; never a password, a file or
the CSRF token. It is private to the user who saved it and goes once the object is saved.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from lantian.core.models import Draft

TITLE_LENGTH = 60


def is_secret(name: str, field: forms.Field) -> bool:
    return isinstance(field.widget, forms.PasswordInput) or "password" in name.lower()


def draftable_fields(form) -> list[tuple[str, forms.Field]]:
    """(prefixed name, field) of the fields whose values a draft may keep."""
    return [
        (form.add_prefix(name), field)
        for name, field in form.fields.items()
        if not is_secret(name, field) and not isinstance(field.widget, forms.FileInput)
    ]


class DraftMixin:
    """For ObjectEditView: save the posted form as a draft, resume one, discard them on save."""

    def drafts(self):
        """This user's drafts of this form: of the object being edited, or of new objects."""
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        return Draft.objects.filter(
            user=self.request.user, content_type=content_type, object_id=self.object.pk
        )

    def requested_draft(self, source) -> Draft | None:
        """The draft to resume, named by ``?draft=``; 404 if it is not one of ours for this form."""
        pk = source.get("draft")
        if not pk:
            return None
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(self.drafts(), pk=pk)

    def posted_draft(self) -> Draft | None:
        """The draft this form was resumed from (``_draft``), if it is still there: saved from another
        tab, it is gone, and the form must still save."""
        pk = self.request.POST.get("_draft", "")
        return self.drafts().filter(pk=pk).first() if pk.isdigit() else None

    def resume(self, form, draft: Draft) -> None:
        """Fill the unbound ``form`` with the draft's values, without validating them."""
        data = QueryDict(mutable=True)
        for key, values in draft.data.items():
            data.setlist(key, values)
        for prefixed, field in draftable_fields(form):
            if not field.disabled:
                name = prefixed.removeprefix(f"{form.prefix}-") if form.prefix else prefixed
                form.initial[name] = field.widget.value_from_datadict(data, {}, prefixed)

    def save_draft(self, form) -> Draft:
        posted = self.request.POST
        data = {}
        for prefixed, _field in draftable_fields(form):
            for key in posted:
                # a multi-widget posts its parts as name_0, name_1, …
                if key == prefixed or key.startswith(f"{prefixed}_"):
                    data[key] = posted.getlist(key)
        draft = self.posted_draft()
        if draft is None and self.object.pk is not None:
            draft = self.drafts().first()
        if draft is None:
            content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
            draft = Draft(user=self.request.user, content_type=content_type, object_id=self.object.pk)
        draft.data = data
        draft.title = self.draft_title(form, data)
        draft.save()
        return draft

    def draft_title(self, form, data: dict) -> str:
        if self.object.pk is not None:
            return str(self.object)[:200]
        for prefixed, field in draftable_fields(form):
            value = (data.get(prefixed) or [""])[0].strip()
            if value and type(field) is forms.CharField:
                return value[:TITLE_LENGTH]
        return _("New %(model)s") % {"model": self.model._meta.verbose_name}

    def discard_drafts(self, resumed: Draft | None) -> None:
        """The object is saved: the draft it was resumed from and any others of it are done."""
        if resumed is not None:
            resumed.delete()
        self.drafts().delete()  # after an add, self.object is the new object: none yet

    def save_draft_response(self, form) -> HttpResponseRedirect:
        draft = self.save_draft(form)
        messages.success(
            self.request, _("Saved as a draft. You find it under My drafts, and here, until you save.")
        )
        return HttpResponseRedirect(f"{self.request.path}?draft={draft.pk}")


class MyDrafts:
    def get_queryset(self):
        return Draft.objects.filter(user=self.request.user).select_related("content_type")


class DraftListView(LoginRequiredMixin, MyDrafts, ListView):
    template_name = "core/draft_list.html"
    paginate_by = 50


class DraftDeleteView(LoginRequiredMixin, MyDrafts, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        draft = get_object_or_404(self.get_queryset(), pk=pk)
        draft.delete()
        messages.success(request, _("Deleted the draft %(title)s.") % {"title": draft.title})
        return HttpResponseRedirect(reverse("core:draft_list"))
