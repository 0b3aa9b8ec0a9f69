"""The home page: one per kind of user, each built only from what that user may see."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.views.generic import TemplateView

from lantian.core import todo
from lantian.core.accounts import locked_usernames
from lantian.core.home import panels_for
from lantian.core.models import AccessEvent, Organization, OrganizationLink, User
from lantian.core.scope import scope_for
from lantian.core.worktime import missing_years

Kind = Organization.Kind
HOME_OF_KIND = {
    Kind.REGULATOR: "regulator",
    Kind.DEPARTMENT: "regulator",
    Kind.DIVISION: "regulator",
    Kind.ENTERPRISE: "enterprise",
    Kind.AGENCY: "provider",
    Kind.VENDOR: "provider",
}


class HomeView(LoginRequiredMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.home = self.home_of(request.user)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def home_of(user) -> str:
        if scope_for(user).everything:
            return "admin"
        return HOME_OF_KIND.get(user.organization.kind, "enterprise") if user.organization else "none"

    def get_template_names(self):
        return [f"core/home/{self.home}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        builder = getattr(self, f"{self.home}_context", None)
        if builder is not None:
            context.update(builder(self.request.user))
        return context

    def admin_context(self, user) -> dict:
        today = timezone.localdate()
        since = today - timedelta(days=13)
        events = AccessEvent.objects.restrict(user)
        per_day = (
            events.filter(at__date__gte=since)
            .annotate(day=TruncDate("at"))
            .values("day", "kind")
            .annotate(n=Count("pk"))
        )
        days = [since + timedelta(days=i) for i in range(14)]
        series = {kind: [0] * 14 for kind in (AccessEvent.Kind.LOGIN, AccessEvent.Kind.FAILURE)}
        for row in per_day:
            if row["kind"] in series:
                series[row["kind"]][(row["day"] - since).days] = row["n"]
        return {
            "calendar_missing": missing_years(today) if user.has_perm("core.add_workcalendarday") else [],
            "org_counts": self.kind_counts(Organization.objects.restrict(user)),
            "user_count": User.objects.restrict(user).filter(is_active=True).count(),
            "locked_count": len(locked_usernames()),
            "logins_today": events.filter(kind=AccessEvent.Kind.LOGIN, at__date=today).count(),
            "failures_today": events.filter(kind=AccessEvent.Kind.FAILURE, at__date=today).count(),
            "recent_failures": events.filter(kind__in=[AccessEvent.Kind.FAILURE, AccessEvent.Kind.LOCKED])[
                :8
            ],
            "recent_changes": LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[
                :8
            ],
            "login_chart": {
                "days": [d.strftime("%m-%d") for d in days],
                "series": [
                    {"name": str(AccessEvent.Kind.LOGIN.label), "data": series[AccessEvent.Kind.LOGIN]},
                    {"name": str(AccessEvent.Kind.FAILURE.label), "data": series[AccessEvent.Kind.FAILURE]},
                ],
            },
        }

    def regulator_context(self, user) -> dict:
        organizations = Organization.objects.restrict(user)
        enterprises = organizations.filter(kind=Kind.ENTERPRISE, is_active=True)
        by_division = (
            enterprises.values("division__name").annotate(n=Count("pk")).order_by("-n", "division__name")
        )
        return {
            "organization": user.organization,
            "org_counts": self.kind_counts(organizations),
            "user_count": User.objects.restrict(user).filter(is_active=True).count(),
            "units": organizations.filter(parent=user.organization)
            .exclude(kind=Kind.ENTERPRISE)
            .annotate(children_count=Count("children")),
            "recent_enterprises": enterprises.select_related("division").order_by("-created_at")[:8],
            "division_chart": {
                "categories": [row["division__name"] or "—" for row in by_division],
                "values": [row["n"] for row in by_division],
            },
            "map_points": self.map_points(enterprises),
            "panels": panels_for(user, "regulator"),
            "todo_count": todo.count_for_request(self.request),
        }

    def enterprise_context(self, user) -> dict:
        return {
            "organization": user.organization,
            "panels": panels_for(user, "enterprise"),
            "todo_count": todo.count_for_request(self.request),
            "users": User.objects.restrict(user)
            .filter(organization=user.organization)
            .prefetch_related("roles"),
            "providers": OrganizationLink.objects.restrict(user)
            .filter(client=user.organization)
            .select_related("provider"),
        }

    def provider_context(self, user) -> dict:
        clients = (
            OrganizationLink.objects.restrict(user)
            .filter(provider=user.organization)
            .select_related("client__division")
            .order_by("client__name")
        )
        return {
            "organization": user.organization,
            "panels": panels_for(user, "provider"),
            "todo_count": todo.count_for_request(self.request),
            "clients": clients,
            "users": User.objects.restrict(user)
            .filter(organization=user.organization)
            .prefetch_related("roles"),
            "map_points": self.map_points(
                Organization.objects.filter(pk__in=[link.client_id for link in clients])
            ),
        }

    @staticmethod
    def kind_counts(organizations) -> list[dict]:
        counts = dict(organizations.filter(is_active=True).values_list("kind").annotate(n=Count("pk")))
        return [{"kind": kind, "label": kind.label, "count": counts.get(kind, 0)} for kind in Kind]

    @staticmethod
    def map_points(organizations) -> list[dict]:
        return [
            {"name": o.name, "lat": float(o.latitude), "lng": float(o.longitude), "url": o.get_absolute_url()}
            for o in organizations.exclude(latitude=None).exclude(longitude=None)[:500]
        ]
