"""Reporting a case: the grid worker's phone page and the operators' entry (hotline, video patrol),
the public's report page, and the reporter's questionnaire after closing."""

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from lantian.cases import actions, roles
from lantian.cases.models import Case, Category, Channel, State
from lantian.core.forms import ScopedFormMixin, style_widget
from lantian.core.models import Organization

STAFF_CHANNELS = (Channel.GRID, Channel.VIDEO, Channel.HOTLINE, Channel.PUBLIC)
PUBLIC_REPORTS_PER_HOUR = 10  # per client address: the page needs no account, its uploads are bounded


def minor_classes():
    return (
        Category.objects.filter(is_active=True, workflow__published__isnull=False)
        .exclude(parent=None)
        .select_related("parent")
        .order_by("code")
    )


def command_centres(user):
    """The organisations a user may register cases for: those that keep unit grids or have cases."""
    from lantian.cases.models import Grid

    queryset = Organization.objects.within_scope(user, "add").filter(is_active=True)
    with_grids = queryset.filter(pk__in=Grid.objects.values("organization"))
    return with_grids if with_grids.exists() else queryset


class ReportForm(ScopedFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("command centre")
    )
    channel = forms.ChoiceField(choices=(), label=gettext_lazy("channel"))
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=gettext_lazy("category"))
    description = forms.CharField(
        label=gettext_lazy("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=gettext_lazy("address"), max_length=200, required=False)
    lat = forms.DecimalField(
        label=gettext_lazy("latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    lng = forms.DecimalField(
        label=gettext_lazy("longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        required=False,
    )  # fmt: skip
    reporter_name = forms.CharField(label=gettext_lazy("reporter"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=gettext_lazy("reporter's phone"), max_length=30, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    duplicate_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, action="add", **kwargs)
        self.fields["organization"].queryset = command_centres(user)
        self.fields["category"].queryset = minor_classes()
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} / {c.name}"
        codes = roles.role_codes(user)
        channels = [(c.value, c.label) for c in STAFF_CHANNELS]
        if roles.GRID_WORKER in codes and roles.OPERATOR not in codes:
            channels = [(Channel.GRID.value, Channel.GRID.label)]
            del self.fields["reporter_name"], self.fields["reporter_phone"]  # the worker reports
        self.fields["channel"].choices = channels
        for name in ("lat", "lng"):
            self.fields[name].widget.attrs.update(
                {"aria-label": self.fields[name].label, "inputmode": "decimal"}
            )
        centres = list(self.fields["organization"].queryset[:2])
        if len(centres) == 1:
            self.fields["organization"].initial = centres[0].pk

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if data.get("lat") is None and not (data.get("address") or "").strip():
            raise ValidationError(_("Give the location or the address of the problem."))
        return data


class PhotoMixin:
    def photos(self, request):
        return request.FILES.getlist("photos")[: actions.MAX_PHOTOS + 1]


class ReportView(LoginRequiredMixin, PhotoMixin, View):
    """Report a case. A grid worker's phone takes the photo from the camera and the position from
    the device; a report near an open case of the same class is shown as a possible duplicate."""

    template_name = "cases/report.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("cases.add_case"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": ReportForm(user=request.user)})

    def post(self, request):
        form = ReportForm(request.POST, user=request.user)
        context = {"form": form}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data
        photos = self.photos(request)
        duplicate_of = None
        if data["duplicate_of"]:
            duplicate_of = Case.objects.restrict(request.user, "view").filter(pk=data["duplicate_of"]).first()
        if not data["confirm"] and duplicate_of is None:
            nearby = [
                c for c in actions.find_duplicates(data["category"], data["lat"], data["lng"])
                if Case.objects.restrict(request.user, "view").filter(pk=c.pk).exists()
            ]  # fmt: skip
            reused = actions.photos_used_before(photos)
            if nearby or reused:
                context.update(duplicates=nearby, reused=bool(reused), meters=int(actions.duplicate_meters()))
                if photos:
                    messages.warning(request, _("Choose the photos again before sending."))
                return render(request, self.template_name, context)
        report = actions.Report(
            organization=data["organization"], category=data["category"], channel=data["channel"],
            description=data["description"], lat=data["lat"], lng=data["lng"], address=data["address"],
            reporter_name=data.get("reporter_name", ""), reporter_phone=data.get("reporter_phone", ""),
            duplicate_of=duplicate_of,
        )  # fmt: skip
        try:
            case = actions.report_case(report, request.user, photos)
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, context, status=400)
        messages.success(request, _("Case %(number)s is reported.") % {"number": case.number})
        return HttpResponseRedirect(case.get_absolute_url())


class PublicReportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=gettext_lazy("town"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=gettext_lazy("what is the problem")
    )
    description = forms.CharField(
        label=gettext_lazy("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=gettext_lazy("address"), max_length=200)
    lat = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                             widget=forms.HiddenInput)  # fmt: skip
    lng = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False,
                             widget=forms.HiddenInput)  # fmt: skip
    reporter_name = forms.CharField(label=gettext_lazy("your name"), max_length=50)
    reporter_phone = forms.CharField(label=gettext_lazy("your phone"), max_length=30)

    def __init__(self, *args, **kwargs):
        from lantian.cases.models import Grid

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=Grid.objects.values("organization"), is_active=True
        )
        self.fields["category"].queryset = minor_classes()
        self.fields["category"].label_from_instance = lambda c: f"{c.parent.name} / {c.name}"
        for field in self.fields.values():
            style_widget(field.widget)


class PublicReportView(PhotoMixin, View):
    """The public's report page (no account): the reporter gets the case number and, after closing,
    the question whether the problem was fixed."""

    template_name = "cases/public_report.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PublicReportForm()})

    @staticmethod
    def within_limit(request) -> bool:
        """Count this report against its client address's hourly allowance."""
        key = f"cases:public-reports:{get_client_ip_address(request) or 'unknown'}"
        cache.add(key, 0, timeout=3600)
        return cache.incr(key) <= PUBLIC_REPORTS_PER_HOUR

    def post(self, request):
        form = PublicReportForm(request.POST)
        if not self.within_limit(request):
            form.add_error(None, _("Too many reports from this address: please try again in an hour."))
            return render(request, self.template_name, {"form": form}, status=429)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        report = actions.Report(
            organization=data["organization"], category=data["category"], channel=Channel.PUBLIC,
            description=data["description"], lat=data["lat"], lng=data["lng"], address=data["address"],
            reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
        )  # fmt: skip
        try:
            case = actions.report_case(report, None, self.photos(request))
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, {"form": form}, status=400)
        return render(request, "cases/public_thanks.html", {"case": case})


class FeedbackForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=gettext_lazy("Has the problem been fixed?"),
        choices=(("yes", gettext_lazy("Yes, it is fixed")), ("no", gettext_lazy("No, it is not fixed"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackView(View):
    """The reporter's questionnaire (FixMyStreet's): reached by the case's secret token."""

    template_name = "cases/feedback.html"

    def case(self, token) -> Case:
        if len(token) != 32:
            raise Http404
        return get_object_or_404(Case.objects.select_related("category"), token=token)

    def get(self, request, token):
        case = self.case(token)
        return render(request, self.template_name, {"case": case, "form": FeedbackForm()})

    def post(self, request, token):
        case = self.case(token)
        form = FeedbackForm(request.POST)
        if not form.is_valid() or case.state != State.CLOSED or case.feedback_at is not None:
            if form.is_valid():
                form.add_error(None, _("This case is not waiting for an answer."))
            return render(request, self.template_name, {"case": case, "form": form}, status=400)
        actions.answer_questionnaire(case, form.cleaned_data["fixed"], form.cleaned_data["comment"])
        return HttpResponseRedirect(reverse("cases:feedback", args=[token]))
