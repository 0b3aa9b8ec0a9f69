from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.forms import style_widget


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "Wrong username or password. After 5 failures the account is locked for 15 minutes."
        ),
        "inactive": gettext_lazy("This account has been disabled. Ask your administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field.widget)
        self.fields["username"].widget.attrs["placeholder"] = gettext_lazy("Username")
        self.fields["password"].widget.attrs["placeholder"] = gettext_lazy("Password")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of the login view while an account is locked."""
    form = LoginForm(request, data=request.POST or None)
    form.is_valid()  # binds the username back into the form; authentication is refused by axes
    form.errors.clear()
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked": True,
            "locked_message": _(
                "This account is locked after 5 failed logins. Try again in 15 minutes, "
                "or ask your administrator to unlock it."
            ),
        },
        status=429,
    )


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field.widget)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response
