from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from lantian.core import todo


class TodoView(LoginRequiredMixin, TemplateView):
    """The to-do centre: everything waiting for the signed-in user, by kind."""

    template_name = "core/todo.html"

    def get_context_data(self, **kwargs):
        items = todo.items_for(self.request.user)
        return super().get_context_data(groups=todo.grouped(items), total=len(items), **kwargs)
