"""A user's own API token: create it (shown once), replace it, revoke it. Each step goes to the access log."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token

from lantian.core import access_log
from lantian.core.models import AccessEvent


@method_decorator(never_cache, name="dispatch")
class ApiTokenView(LoginRequiredMixin, TemplateView):
    template_name = "core/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("token", Token.objects.filter(user=self.request.user).first())
        context["api_root"] = self.request.build_absolute_uri(reverse("api:api-root"))
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            if revoke_token(request):
                messages.success(request, _("Your API token was revoked; it no longer works."))
            return HttpResponseRedirect(reverse("core:api_token"))
        token = create_token(request)
        # The key is shown in this response only: it is never displayed again.
        return self.render_to_response(self.get_context_data(token=token, new_key=token.key))


def revoke_token(request) -> bool:
    deleted, _rows = Token.objects.filter(user=request.user).delete()
    if deleted:
        access_log.record(AccessEvent.Kind.TOKEN_REVOKED, request, request.user.username, request.user)
    return bool(deleted)


@transaction.atomic
def create_token(request) -> Token:
    """A new token for the user; the previous one, if any, stops working."""
    revoke_token(request)
    token = Token.objects.create(user=request.user)
    access_log.record(AccessEvent.Kind.TOKEN_CREATED, request, request.user.username, request.user)
    return token
