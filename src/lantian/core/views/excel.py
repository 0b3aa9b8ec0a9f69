"""Export of a registered list to xlsx: directly when small, as a background job when large."""

from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core import access_log, registry
from lantian.core.excel.export import export_workbook
from lantian.core.jobs import start_job
from lantian.core.models import AccessEvent, User
from lantian.core.views.generic import ObjectListView, filter_rows, table_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download_response(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A generated file (a workbook unless said otherwise) to download under ``filename``, whatever its
    characters (RFC 5987 encoding)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class ObjectExportView(ObjectListView):
    """The rows the list's filters select; ``columns=all`` for every column, else the visible ones."""

    view_action = "export"

    def get(self, request, *args, **kwargs):
        table = self.get_table()
        every = request.GET.get("columns") == "all"
        queryset = table.order(self.filtered_queryset())
        count = queryset.count()
        filename = f"{self.model._meta.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"
        query = request.GET.urlencode()
        if count > settings.LANTIAN_EXPORT_INLINE_ROWS:
            job = start_job(
                request.user,
                _("Export %(name)s (%(count)d rows)")
                % {"name": self.model._meta.verbose_name_plural, "count": count},
                "lantian.core.views.excel.export_job",
                model=f"{self.registration.app_label}.{self.registration.model_name}",
                query=query,
                every=every,
                filename=filename,
            )
            self.log_export(count)
            messages.info(request, _("The export runs in the background; download it here when it is done."))
            return HttpResponseRedirect(job.get_absolute_url())
        columns = table.columns if every else table.visible
        content = export_workbook(self.registration, columns, queryset, every=every)
        self.log_export(count)  # after reading the rows: an access-log export must not list itself
        return download_response(content, filename)

    def log_export(self, count: int) -> None:
        request = self.request
        detail = f"{self.model._meta.verbose_name_plural} {count} · {request.GET.urlencode()}"
        access_log.record(
            AccessEvent.Kind.EXPORT, request, request.user.username, request.user, detail=detail
        )


def export_job(run, *, model: str, query: str, every: bool, filename: str):
    """The background export: the same rows as the page would give, for the job's owner."""
    registration = registry.registration_for(apps.get_model(model))
    user = User.objects.get(pk=run.job.owner_id)
    query = QueryDict(query)
    table = table_for(registration, user, query.get("sort"))
    rows, _filterset = filter_rows(registration, user, query, "export")
    queryset = table.order(rows)
    total = queryset.count()
    columns = table.columns if every else table.visible
    content = export_workbook(
        registration, columns, queryset, on_row=lambda n: run.progress(n, total), every=every
    )
    run.attach(filename, content)
    return _("%(count)d rows exported.") % {"count": total}


VIEWS = {"export": ObjectExportView}
