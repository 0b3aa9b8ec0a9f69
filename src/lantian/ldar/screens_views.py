"""The LDAR big screens (spec §8 [1–3]), their JSON endpoints, and the statistics pages [11]."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lantian.core import access_log
from lantian.core.dashboards import BadParameter, BigScreenView, ScreenParam, Widget, data_endpoint
from lantian.core.models import AccessEvent
from lantian.core.views.excel import download_response
from lantian.ldar import screens
from lantian.ldar.screens_statistics import PAGES, StatisticsFilter, validate_chart, workbook

SCREEN_PERMISSION = "ldar.view_sealpoint"
FIRST_YEAR = 2000

# --- JSON endpoints ---


@data_endpoint(SCREEN_PERMISSION)
def city_data(request):
    return screens.city_overview(request.user, timezone.localdate())


@data_endpoint(SCREEN_PERMISSION)
def comparison_data(request):
    return screens.enterprise_comparison(request.user, year_of(request))


@data_endpoint(SCREEN_PERMISSION)
def points_data(request):
    return screens.seal_point_screen(request.user, timezone.localdate())


def year_of(request) -> int:
    today = timezone.localdate()
    text = request.GET.get("year") or str(today.year)
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= today.year + 1:
        raise BadParameter(
            _("The year must be a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year + 1}
        )
    return int(text)


# --- the big screens ---


class CityScreen(BigScreenView):
    """[1] The city overview."""

    title = gettext_lazy("LDAR city overview")
    permission = SCREEN_PERMISSION
    source = "ldar:screen_city_data"
    widgets = (
        Widget(
            "kpis", gettext_lazy("Enterprises, agencies and seal points"), "kpis", source, "1 / 1 / 2 / 13"
        ),
        Widget(
            "map",
            gettext_lazy("Enterprise leak-risk grades"),
            "map",
            source,
            "2 / 4 / 5 / 10",
            empty=gettext_lazy("No enterprise has a location yet."),
        ),
        Widget("grades", gettext_lazy("Enterprise leak-risk grade"), "table", source, "2 / 1 / 5 / 4"),
        Widget("rule", gettext_lazy("How the grade is given"), "note", source, "5 / 1 / 7 / 4"),
        Widget("grade_counts", gettext_lazy("Enterprises by risk grade"), "pie", source, "2 / 10 / 5 / 13"),
        Widget("trend", gettext_lazy("City leak trend (last 12 months)"), "line", source, "5 / 4 / 7 / 8"),
        Widget(
            "ranking", gettext_lazy("Enterprise ranking by leaks this year"), "hbar", source, "5 / 8 / 7 / 10"
        ),
        Widget(
            "agencies",
            gettext_lazy("Testing agencies by detection reports"),
            "hbar",
            source,
            "5 / 10 / 7 / 13",
        ),
    )


class ComparisonScreen(BigScreenView):
    """[2] Enterprises compared by year."""

    title = gettext_lazy("LDAR enterprise comparison")
    permission = SCREEN_PERMISSION
    source = "ldar:screen_comparison_data"
    widgets = (
        Widget("totals", gettext_lazy("Totals of the year"), "kpis", source, "1 / 1 / 2 / 13"),
        Widget(
            "comparison",
            gettext_lazy("Leak, repair and re-test points by enterprise"),
            "stacked",
            source,
            "2 / 1 / 5 / 13",
            unit=gettext_lazy("points"),
        ),
        Widget("table", gettext_lazy("Figures by enterprise"), "table", source, "5 / 1 / 7 / 13"),
    )

    def get_params(self):
        today = timezone.localdate()
        years = screens.comparison_years(self.request.user, today)
        return (ScreenParam("year", _("Year"), tuple((str(y), str(y)) for y in years), str(today.year)),)


class SealPointScreen(BigScreenView):
    """[3] Seal-point statistics."""

    title = gettext_lazy("LDAR seal-point statistics")
    permission = SCREEN_PERMISSION
    source = "ldar:screen_points_data"
    widgets = (
        Widget("kpis", gettext_lazy("Seal points"), "kpis", source, "1 / 1 / 2 / 13"),
        Widget("by_type", gettext_lazy("Seal points by type"), "pie", source, "2 / 1 / 5 / 6"),
        Widget("dynamic_static", gettext_lazy("Dynamic and static"), "pie", source, "5 / 1 / 7 / 6"),
        Widget("by_unit", gettext_lazy("Seal points by unit"), "bar", source, "2 / 6 / 5 / 13"),
        Widget(
            "cycles",
            gettext_lazy("Current detection cycle"),
            "table",
            source,
            "5 / 6 / 7 / 13",
            note=gettext_lazy("Accounting period of the current round, and when the next round starts."),
            empty=gettext_lazy("No detection cycle is registered yet."),
        ),
    )


# --- the statistics pages ---


class StatisticsView(LoginRequiredMixin, TemplateView):
    template_name = "ldar/screens/statistics.html"

    def dispatch(self, request, *args, **kwargs):
        self.page = PAGES.get(kwargs["page"])
        if self.page is None:
            raise Http404
        if request.user.is_authenticated and not request.user.has_perm(self.page.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = StatisticsFilter(request.GET, user=request.user, with_period=self.page.with_period)
        valid = form.is_valid()
        breakdowns = self.page.compute(request.user, form) if valid else []
        if valid and request.GET.get("export") == "xlsx":
            return self.export(form, breakdowns)
        query = request.GET.copy()
        query.pop("export", None)
        query.pop("chart", None)
        context = self.get_context_data(
            form=form,
            breakdowns=breakdowns,
            page=self.page,
            query=query.urlencode(),
            share_header=_("Share (%)"),
        )
        return self.render_to_response(context)

    def export(self, form, breakdowns):
        try:
            chosen = validate_chart(breakdowns, self.request.GET.get("chart"))
        except ValidationError as error:
            return HttpResponseBadRequest(error.messages[0])
        content = workbook(self.page, chosen, form)
        name = f"{self.page.title}-{timezone.localdate():%Y%m%d}.xlsx"
        user = self.request.user
        detail = f"{self.page.title}: {', '.join(b.title for b in chosen)} ({self.request.GET.urlencode()})"
        access_log.record(AccessEvent.Kind.EXPORT, self.request, user.username, user, detail=detail)
        return download_response(content, name)
