"""Import pages of a registered model: the xlsx template, and the upload with dry run and error report.

Small files are imported while the page waits; larger ones (LANTIAN_IMPORT_INLINE_ROWS) run as a
background job with a progress bar and the error report attached to the job.
"""

import uuid

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.excel.importing import Importer, report_name
from lantian.core.excel.reading import ReadError, read_sheet, too_large
from lantian.core.excel.report import marked_workbook
from lantian.core.excel.template import describe, template_workbook
from lantian.core.forms import style_widget
from lantian.core.jobs import start_job, stored_errors
from lantian.core.models import Job
from lantian.core.views.excel import download_response
from lantian.core.views.generic import ObjectView

ERRORS_SHOWN = 500  # on the page; the marked workbook has them all


MODE_CHOICES = (
    ("import", gettext_lazy("Add and update rows (rows marked for deletion are deleted)")),
    ("delete", gettext_lazy("Delete every stored row the file lists")),
)
PARENT_CHOICES = (
    ("report", gettext_lazy("Report them as errors")),
    ("create", gettext_lazy("Create them from the codes and names in the file")),
)


class ImportForm(forms.Form):
    """The upload, the dry run, and the choices the model's import spec offers: what the file does
    (when rows may be deleted) and what happens to missing parents (when it has a parent chain)."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An xlsx workbook, or a CSV file in UTF-8 or GBK."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row, write nothing"), required=False, initial=True
    )

    def __init__(self, *args, spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        if spec is not None and spec.deletable:
            self.fields["mode"] = forms.ChoiceField(
                label=gettext_lazy("The file"), choices=MODE_CHOICES, initial="import",
                widget=forms.RadioSelect, required=False,
                help_text=gettext_lazy("To delete, a file with the key columns is enough."),
            )  # fmt: skip
        if spec is not None and spec.chain is not None:
            self.fields["missing_parents"] = forms.ChoiceField(
                label=gettext_lazy("Parents the file names that do not exist yet"), choices=PARENT_CHOICES,
                initial="report", widget=forms.RadioSelect, required=False,
            )  # fmt: skip
        for field in self.fields.values():
            style_widget(field.widget)

    def options(self) -> dict:
        """The Importer's options chosen on the form."""
        return {
            "create_parents": self.cleaned_data.get("missing_parents") == "create",
            "delete_listed": self.cleaned_data.get("mode") == "delete",
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LANTIAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large())
        return upload


class ImportTemplateView(ObjectView):
    view_action = "import_template"

    def get(self, request, *args, **kwargs):
        content = template_workbook(self.registration, request.user)
        filename = _("%(objects)s import template.xlsx") % {"objects": self.model._meta.verbose_name_plural}
        return download_response(content, filename)


class ObjectImportView(ObjectView):
    view_action = "import"
    template_name = "generic/object_import.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def get_form(self, *args, **kwargs):
        return ImportForm(*args, spec=self.registration.importer, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        options = form.options()
        content = upload.read()
        try:
            sheet = read_sheet(upload.name, content)
        except ReadError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        name = _("Import %(objects)s from %(file)s") % {
            "objects": self.model._meta.verbose_name_plural,
            "file": upload.name,
        }
        where = {"cid": getattr(request, "id", None), "remote_addr": get_client_ip_address(request)}
        if len(sheet.rows) > settings.LANTIAN_IMPORT_INLINE_ROWS:
            path = default_storage.save(f"imports/{uuid.uuid4().hex}", ContentFile(content))
            job = start_job(
                request.user, name, "lantian.core.excel.importing.import_job",
                model=f"{self.registration.app_label}.{self.registration.model_name}",
                path=path, filename=upload.name, dry_run=dry_run, **where, **options,
            )  # fmt: skip
            messages.info(
                request, _("The import runs in the background; its progress and result are shown here.")
            )
            return HttpResponseRedirect(job.get_absolute_url())
        result = Importer(self.model, request.user, dry_run=dry_run, **where, **options).run(sheet)
        report_url = None if result.ok else keep_report(request.user, name, sheet, result)
        if result.ok and not dry_run:
            messages.success(request, result.summary())
        initial = {
            "dry_run": dry_run,
            "mode": "delete" if options["delete_listed"] else "import",
            "missing_parents": "create" if options["create_parents"] else "report",
        }
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form(initial=initial),
                result=result,
                errors=result.errors[:ERRORS_SHOWN],
                report_url=report_url,
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        columns = self.registration.importer.columns(self.model)
        context.update(
            template_url=self.registration.url("import_template"),
            columns=[{"header": c.header, "required": c.required, "content": describe(c)} for c in columns],
            inline_rows=settings.LANTIAN_IMPORT_INLINE_ROWS,
            errors_shown=ERRORS_SHOWN,
        )
        return context


def keep_report(user, name: str, sheet, result) -> str:
    """Keep the marked workbook of a failed import among the user's jobs, where it can be downloaded."""
    now = timezone.now()
    job = Job.objects.create(
        owner=user, name=name[:200], task="lantian.core.excel.importing.import_job",
        status=Job.Status.FAILED, progress=100, message=result.summary(),
        errors=stored_errors(result.errors), started_at=now, finished_at=now,
    )  # fmt: skip
    filename = report_name(sheet.filename)
    content = marked_workbook(sheet, result.errors, result.hidden_columns)
    job.result.save(filename, ContentFile(content), save=False)
    job.result_name = filename
    job.save(update_fields=["result", "result_name"])
    return reverse("core:job_result", args=[job.pk])


VIEWS = {"import": ObjectImportView, "import_template": ImportTemplateView}
