"""The pages of an enterprise's whole power archive in one workbook (``archive.py``): the empty
template, the export of an enterprise's archive, and the import with its dry run."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lantian.core import access_log
from lantian.core.excel.reading import ReadError, read_workbook, too_large
from lantian.core.forms import style_widget
from lantian.core.models import AccessEvent, Organization
from lantian.core.views.excel import download_response
from lantian.power import archive

ERRORS_SHOWN = 500
IMPORT_PERMISSION = "power.import_powerprofile"


class ArchiveForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("An xlsx workbook of one enterprise's power archive, as the template has it."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row, write nothing"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field.widget)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LANTIAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large())
        return upload


class ArchivePermissionMixin(LoginRequiredMixin):
    permission = IMPORT_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ArchiveTemplateView(ArchivePermissionMixin, View):
    def get(self, request):
        return download_response(archive.template_workbook(request.user), _("Power archive template.xlsx"))


class ArchiveExportView(ArchivePermissionMixin, View):
    """An enterprise's archive (one the user may see) in the template's shape."""

    permission = "power.export_powerprofile"

    def get(self, request, pk):
        enterprise = get_object_or_404(
            Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.ENTERPRISE),
            pk=pk,
        )
        content = archive.export_workbook(request.user, enterprise)
        detail = _("Power archive of %(enterprise)s") % {"enterprise": enterprise}
        access_log.record(
            AccessEvent.Kind.EXPORT, request, request.user.username, request.user, detail=detail
        )
        filename = _("Power archive of %(enterprise)s.xlsx") % {"enterprise": enterprise.name}
        return download_response(content, filename)


class ArchiveImportView(ArchivePermissionMixin, TemplateView):
    template_name = "power/archive_import.html"

    def post(self, request):
        form = ArchiveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        try:
            sheets = read_workbook(upload.name, upload.read())
        except ReadError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        result = archive.import_archive(
            request.user,
            sheets,
            dry_run=dry_run,
            cid=getattr(request, "id", None),
            remote_addr=get_client_ip_address(request),
        )
        if result.ok and not dry_run:
            messages.success(request, result.summary())
        return self.render_to_response(
            self.get_context_data(
                form=ArchiveForm(initial={"dry_run": dry_run}),
                result=result,
                errors=result.errors[:ERRORS_SHOWN],
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ArchiveForm())
        context.update(
            parts=[
                {"title": part.title, "columns": [c.marked_header for c in part.columns()]}
                for part in archive.PARTS
            ],
            errors_shown=ERRORS_SHOWN,
        )
        return context
