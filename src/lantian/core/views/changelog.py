from auditlog.models import LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import ListView

from lantian.core.filtersets import LogEntryFilterSet
from lantian.core.scope import scope_for


class ChangeLogListView(LoginRequiredMixin, ListView):
    """The whole change log, searchable. Entries carry no organisation, so only platform-wide
    administrators see it here; everyone else sees the change log on the pages of their objects."""

    template_name = "core/changelog_list.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.has_perm("auditlog.view_logentry") and scope_for(request.user).everything
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
        self.filterset = LogEntryFilterSet(self.request.GET, queryset=entries, request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, query_string=query.urlencode())
        return context
