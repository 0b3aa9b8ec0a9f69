from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView

from lantian.core.models import Job


class MyJobs:
    """Jobs are private to the user who started them."""

    def get_queryset(self):
        return Job.objects.filter(owner=self.request.user)


class JobListView(LoginRequiredMixin, MyJobs, ListView):
    template_name = "core/job_list.html"
    paginate_by = 50


class JobDetailView(LoginRequiredMixin, MyJobs, DetailView):
    """The job's page; while it runs, htmx re-fetches the progress card every second."""

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/includes/job_progress.html"]
        return ["core/job_detail.html"]


class JobResultView(LoginRequiredMixin, MyJobs, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if not job.result:
            raise Http404
        return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
