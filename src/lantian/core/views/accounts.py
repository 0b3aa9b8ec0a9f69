from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from lantian.core import accounts
from lantian.core.account_forms import SetPasswordForm
from lantian.core.models import AccessEvent
from lantian.core.views import generic


class UserDetailView(generic.ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.object
        context.update(
            locked=accounts.is_locked(target),
            can_manage=self.restricted("change").filter(pk=target.pk).exists()
            and target.pk != self.request.user.pk,
            access_events=AccessEvent.objects.restrict(self.request.user).filter(user=target)[:20],
        )
        return context


class UserManageView(generic.ObjectView):
    """The account actions an administrator takes on someone else's account."""

    view_action = "edit"

    def target(self):
        target = get_object_or_404(self.restricted(), pk=self.kwargs["pk"])
        if target.pk == self.request.user.pk:
            raise PermissionDenied
        return target


class UserSetPasswordView(UserManageView):
    template_name = "core/user_set_password.html"

    def get(self, request, *args, **kwargs):
        target = self.target()
        return self.render_to_response(self.get_context_data(object=target, form=SetPasswordForm(target)))

    def post(self, request, *args, **kwargs):
        target = self.target()
        form = SetPasswordForm(target, request.POST)
        if form.is_valid():
            accounts.reset_password(request.user, target, form.cleaned_data["password1"])
            messages.success(
                request,
                _("The password of %(user)s was reset; they must change it at the next login.")
                % {"user": target},
            )
            return redirect(target)
        return self.render_to_response(self.get_context_data(object=target, form=form))


class UserSetActiveView(UserManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.target()
        active = request.POST.get("active") == "1"
        accounts.set_active(request.user, target, active)
        messages.success(
            request, (_("Enabled %(user)s.") if active else _("Disabled %(user)s.")) % {"user": target}
        )
        return redirect(target)


class UserUnlockView(UserManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.target()
        accounts.unlock(request.user, target)
        messages.success(request, _("Unlocked %(user)s.") % {"user": target})
        return redirect(target)
