"""A user's own API tokens: create one (its key shown once), see when each was last used, revoke it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from lantian.core import api_tokens
from lantian.core.forms import style_widget
from lantian.core.models import ApiToken

LIFETIMES = (7, 30, 90, 180, 365)  # days offered; the configured maximum caps them


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("Which program uses it, so that you recognise it later."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the offered lifetimes.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = api_tokens.max_days()
        offered = [d for d in LIFETIMES if longest is None or d < longest]
        if longest is not None:
            offered.append(longest)
        choices = [(d, ngettext("%(count)d day", "%(count)d days", d) % {"count": d}) for d in offered]
        if longest is None:
            choices.append(("", _("Never (until revoked)")))
        self.fields["days"].choices = choices
        self.fields["days"].required = longest is not None
        self.fields["days"].initial = 90 if 90 in offered else offered[-1]
        for field in self.fields.values():
            style_widget(field.widget)


@method_decorator(never_cache, name="dispatch")
class ApiTokenView(LoginRequiredMixin, TemplateView):
    template_name = "core/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TokenForm())
        context["tokens"] = ApiToken.objects.filter(user=self.request.user)
        context["api_root"] = self.request.build_absolute_uri(reverse("api:api-root"))
        context["max_days"] = api_tokens.max_days()
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            mine = ApiToken.objects.filter(user=request.user, pk=request.POST.get("token") or 0)
            if api_tokens.revoke(mine, request):
                messages.success(request, _("The API token was revoked; it no longer works."))
            return HttpResponseRedirect(reverse("core:api_token"))
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            token, key = api_tokens.issue(
                request.user, request, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except api_tokens.TokenLimitReached:
            form.add_error(
                None,
                _("You already have %(count)d API tokens, the most allowed. Revoke one you no longer use.")
                % {"count": request.user.api_tokens.live().count()},
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        # The key is shown in this response only: only its digest is stored.
        return self.render_to_response(self.get_context_data(new_token=token, new_key=key))
