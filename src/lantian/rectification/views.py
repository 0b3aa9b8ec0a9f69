from lantian.core.scope import scope_for
from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.rectification.models import NoticeState, RectificationResponse


class NoticeDetailView(ObjectDetailView):
    """The notice with the enterprise's response beside it, and the button to write one."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = context["object"]
        user = self.request.user
        response = RectificationResponse.objects.restrict(user, "view").filter(notice=notice).first()
        context["response"] = response
        context["may_respond"] = (
            response is None
            and notice.state != NoticeState.CLOSED
            and user.has_perm("rectification.add_rectificationresponse")
            and may_write_for(user, notice.enterprise)
        )
        return context


def may_write_for(user, organization) -> bool:
    scope = scope_for(user)
    return scope.everything or any(
        organization.path.startswith(path) for path in scope.paths("add", follow_links=False)
    )


class ResponseEditView(ObjectEditView):
    """Opened from a notice's page with ``?notice=<pk>``: that notice is chosen already."""

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        notice = self.request.GET.get("notice", "")
        if data is None and not self.object.pk and notice.isdigit():
            form.initial["notice"] = int(notice)
        return form
