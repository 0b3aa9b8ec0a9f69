"""Attachments and journal entries of any registered object, reached only through that object.

Every view first finds the object with ``restrict(user, "view")`` (404 otherwise), then checks the
right the action needs on it (403 otherwise).
"""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from lantian.core import files
from lantian.core.models import Attachment, JournalEntry
from lantian.core.registry import registration_for
from lantian.core.review import is_locked
from lantian.core.scope import scope_for

JOURNAL_MAX_LENGTH = 4000


def object_or_404(user, model, pk):
    """The registered object ``pk`` of ``model`` if ``user`` may view it; 404 otherwise."""
    registration = registration_for(model) if model is not None else None
    if registration is None:
        raise Http404
    return get_object_or_404(registration.model.objects.restrict(user, "view"), pk=pk)


def may(user, obj, action: str) -> bool:
    """Whether ``user`` holds ``action`` on ``obj`` within their scope."""
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def model_from_url(app_label: str, model_name: str):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None


def back_to(obj, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{obj.get_absolute_url()}#{anchor}")


class ObjectActionView(LoginRequiredMixin, View):
    """A POST on the object named in the URL (``app_label``, ``model_name``, ``pk``)."""

    http_method_names = ["post"]

    def target(self):
        model = model_from_url(self.kwargs["app_label"], self.kwargs["model_name"])
        return object_or_404(self.request.user, model, self.kwargs["pk"])


class AttachmentUploadView(ObjectActionView):
    def post(self, request, app_label, model_name, pk):
        obj = self.target()
        if not may(request.user, obj, "change"):
            raise PermissionDenied
        if is_locked(obj):
            messages.error(
                request, _("%(object)s is locked: its attachments cannot change.") % {"object": obj}
            )
            return back_to(obj, "attachments")
        uploads = request.FILES.getlist("file")
        if not uploads:
            messages.error(request, _("Choose a file to upload."))
            return back_to(obj, "attachments")
        try:
            attached = files.attach(obj, uploads, request.user, request.POST.get("description", "").strip())
        except files.RefusedFile as error:
            messages.error(request, _("Nothing was uploaded. %(reason)s") % {"reason": error.message})
        else:
            messages.success(
                request,
                ngettext("Attached %(count)d file.", "Attached %(count)d files.", len(attached))
                % {"count": len(attached)},
            )
        return back_to(obj, "attachments")


class AttachmentView(LoginRequiredMixin, View):
    """An attachment, once its object is found in the user's scope."""

    def attachment(self, pk):
        attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
        self.target = object_or_404(
            self.request.user, attachment.content_type.model_class(), attachment.object_id
        )
        return attachment


class AttachmentDownloadView(AttachmentView):
    def get(self, request, pk):
        attachment = self.attachment(pk)
        return file_response(attachment.file.name, attachment.mime_type, attachment.original_name, attachment)


class AttachmentThumbnailView(AttachmentView):
    def get(self, request, pk):
        attachment = self.attachment(pk)
        if not attachment.thumbnail:
            raise Http404
        extension = attachment.thumbnail.name.rsplit(".", 1)[-1]
        mime = "image/png" if extension == "png" else "image/jpeg"
        return file_response(attachment.thumbnail.name, mime, f"thumbnail.{extension}", attachment)


def file_response(name: str, mime_type: str, filename: str, attachment) -> FileResponse:
    # Images and PDF open in the browser; everything else downloads. The type is the one read from
    # the bytes at upload, and nosniff stops the browser from guessing another.
    inline = mime_type.startswith("image/") or mime_type == "application/pdf"
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=mime_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class AttachmentDeleteView(AttachmentView):
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = self.attachment(pk)
        obj = self.target
        if not may(request.user, obj, "change"):
            raise PermissionDenied
        if is_locked(obj):
            messages.error(
                request, _("%(object)s is locked: its attachments cannot change.") % {"object": obj}
            )
            return back_to(obj, "attachments")
        with transaction.atomic():
            files.detach(attachment)
        messages.success(request, _("Deleted the attachment %(name)s.") % {"name": attachment.original_name})
        return back_to(obj, "attachments")


# --- journal ---------------------------------------------------------------------------------


def may_write_journal(user, obj) -> bool:
    """Those who may change the object or review it may remark on it."""
    return may(user, obj, "change") or may(user, obj, "review")


def may_delete_journal_entry(user, entry) -> bool:
    return entry.author_id == user.pk or scope_for(user).everything


class JournalAddView(ObjectActionView):
    def post(self, request, app_label, model_name, pk):
        obj = self.target()
        if not may_write_journal(request.user, obj):
            raise PermissionDenied
        text = request.POST.get("text", "").strip()
        kind = request.POST.get("kind", JournalEntry.Kind.INFO)
        if not text:
            messages.error(request, _("Write the remark first."))
        elif len(text) > JOURNAL_MAX_LENGTH:
            messages.error(
                request,
                _("The remark has %(length)d characters; at most %(limit)d are allowed.")
                % {"length": len(text), "limit": JOURNAL_MAX_LENGTH},
            )
        elif kind not in JournalEntry.Kind.values:
            messages.error(request, _("Choose the kind of the remark."))
        else:
            JournalEntry.objects.create(target=obj, kind=kind, text=text, author=request.user)
            messages.success(request, _("Added the remark."))
        return back_to(obj, "journal")


class JournalDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(JournalEntry.objects.select_related("content_type"), pk=pk)
        obj = object_or_404(request.user, entry.content_type.model_class(), entry.object_id)
        if not may_delete_journal_entry(request.user, entry):
            raise PermissionDenied
        entry.delete()
        messages.success(request, _("Deleted the remark."))
        return back_to(obj, "journal")
