"""The review buttons of an object's page: each one calls its domain action in ``core.review``."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _

from lantian.core import review
from lantian.core.models import Reviewable
from lantian.core.views.attachments import ObjectActionView, back_to


def success_message(action: str) -> str:
    return {
        "submit": _("Submitted for review."),
        "withdraw": _("Withdrawn: the record is a draft again and can be changed."),
        "approve": _("Approved: the record is now locked."),
        "reject": _("Rejected and sent back to the submitter with your reason."),
    }[action]


class ReviewActionView(ObjectActionView):
    def post(self, request, app_label, model_name, pk, action):
        if action not in review.TRANSITIONS:
            raise Http404
        obj = self.target()
        if not isinstance(obj, Reviewable):
            raise Http404
        arguments = (request.POST.get("reason", ""),) if action == "reject" else ()
        try:
            getattr(review, action)(obj, request.user, *arguments)
        except review.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success_message(action))
        return back_to(obj, "review")
