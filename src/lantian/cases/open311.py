"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), JSON format, as cases.md lists it.

- ``GET services.json``: the minor classes in use; ``GET services/{service_code}.json``: their
  attributes (a nearby landmark; for components also the 16-digit component code of CJ/T 214).
- ``POST requests.json`` with ``api_key`` (a platform API token whose account may report cases),
  ``service_code``, ``lat``/``long`` or ``address_string``, ``description``, ``media_url``,
  ``attribute[...]``; answers the new request's id and token.
- ``GET requests.json`` (``service_request_id`` comma list, ``service_code``, ``start_date``,
  ``end_date``, ``status``; 90 days by default, at most 1,000 requests) and ``GET requests/{id}.json``.
  With an ``api_key`` they show the cases its account may see; without one only the requests the
  public made (public reports and Open311), never a reporter's name or phone.
- ``GET tokens/{token}.json``: the request id of a token returned by a POST.

``jurisdiction_id`` is accepted on every call (one platform serves its jurisdiction). Errors are the
standard ``[{"code": …, "description": …}]`` with the HTTP status.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from lantian.cases import actions
from lantian.cases.models import Case, CaseEvent, Category, Channel, Grid, Kind, State
from lantian.core.api.authentication import refusal
from lantian.core.models import ApiToken, Organization
from lantian.core.scope import scope_for

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
MAX_IDS = 100
COMPONENT_CODE = re.compile(r"^\d{16}$")
PUBLIC_CHANNELS = (Channel.PUBLIC, Channel.OPEN311)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False)


def iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def attributes_of(category: Category) -> list[dict]:
    attributes = [
        {
            "variable": True, "code": "landmark", "datatype": "string", "required": False,
            "datatype_description": _("A landmark near the problem"), "order": 1,
            "description": _("Nearby landmark"),
        },
    ]  # fmt: skip
    if category.kind == Kind.COMPONENT:
        attributes.append(
            {
                "variable": True, "code": "component_code", "datatype": "string", "required": False,
                "datatype_description": _(
                    "16 digits: county code, major class, minor class, serial (CJ/T 214)"
                ),
                "order": 2, "description": _("Component code"),
            }
        )  # fmt: skip
    return attributes


def services() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True, workflow__published__isnull=False)
        .exclude(parent=None)
        .select_related("parent")
        .order_by("code")
    )


def service_json(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.closing_condition,
        "metadata": True,
        "type": "realtime",
        "keywords": category.get_kind_display(),
        "group": category.parent.name,
    }


def request_json(case: Case, notes: dict[int, str]) -> dict:
    return {
        "service_request_id": case.number,
        "status": "open" if case.is_open else "closed",
        "status_notes": notes.get(case.pk, ""),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": (case.department or case.organization).name,
        "service_notice": "",
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.due_at) if case.is_open else None,
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(case.lat) if case.lat is not None else None,
        "long": float(case.lng) if case.lng is not None else None,
        "media_url": case.media_url,
    }


def latest_notes(cases) -> dict[int, str]:
    """The last opinion of each case's timeline (its status notes), in one query."""
    notes: dict[int, str] = {}
    rows = CaseEvent.objects.filter(case__in=[c.pk for c in cases]).exclude(opinion="").order_by("at", "pk")
    for case_id, opinion in rows.values_list("case_id", "opinion"):
        notes[case_id] = opinion[:500]
    return notes


def user_of(key: str):
    """The account of an API key, or an Open311Error saying why not."""
    token = ApiToken.objects.for_key(key) if key and len(key) <= 100 else None
    if token is None or token.expired:
        raise Open311Error(403, _("Invalid, expired or revoked api_key."))
    problem = refusal(token.user)
    if problem is not None:
        raise Open311Error(403, str(problem.detail["detail"]))
    return token.user


class Open311View(View):
    def dispatch(self, request, *args, **kwargs):
        if len(request.GET.get("jurisdiction_id", "") or request.POST.get("jurisdiction_id", "")) > 100:
            return error(400, _("jurisdiction_id is too long."))
        try:
            return super().dispatch(request, *args, **kwargs)
        except Open311Error as problem:
            return error(problem.status, problem.description)

    def http_method_not_allowed(self, request, *args, **kwargs):
        return error(405, _("Method not allowed."))

    def visible_cases(self):
        key = self.request.GET.get("api_key", "")
        if key:
            return Case.objects.restrict(user_of(key), "view")
        return Case.objects.filter(channel__in=PUBLIC_CHANNELS)


class ServiceListView(Open311View):
    def get(self, request):
        return JsonResponse([service_json(category) for category in services()], safe=False)


class ServiceDefinitionView(Open311View):
    def get(self, request, code):
        category = next((c for c in services() if c.code == code), None)
        if category is None:
            raise Open311Error(404, _("There is no service “%(code)s”.") % {"code": code[:20]})
        return JsonResponse({"service_code": category.code, "attributes": attributes_of(category)})


@method_decorator(csrf_exempt, name="dispatch")  # an API authenticated by api_key, not a browser form
class RequestListView(Open311View):
    def get(self, request):
        cases = self.visible_cases().select_related("category", "department", "organization")
        ids = [part.strip() for part in request.GET.get("service_request_id", "").split(",") if part.strip()]
        if ids:
            if len(ids) > MAX_IDS:
                raise Open311Error(
                    400, _("At most %(count)s service_request_id values.") % {"count": MAX_IDS}
                )
            cases = cases.filter(number__in=ids)
        else:
            cases = self.filtered(cases)
        found = list(cases.order_by("-created_at", "-pk")[:MAX_REQUESTS])
        notes = latest_notes(found)
        return JsonResponse([request_json(case, notes) for case in found], safe=False)

    def filtered(self, cases):
        params = self.request.GET
        end = self.moment("end_date") or timezone.now()
        start = self.moment("start_date") or end - datetime.timedelta(days=DEFAULT_DAYS)
        if start > end:
            raise Open311Error(400, _("start_date is after end_date."))
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        codes = [code.strip() for code in params.get("service_code", "").split(",") if code.strip()]
        if codes:
            cases = cases.filter(category__code__in=codes[:MAX_IDS])
        status = params.get("status", "")
        if status:
            wanted = {part.strip() for part in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, _("status is open, closed or both."))
            if wanted == {"open"}:
                cases = cases.open()
            elif wanted == {"closed"}:
                cases = cases.filter(state__in=(State.CLOSED, State.CANCELLED))
        return cases

    def moment(self, name: str):
        text = self.request.GET.get(name, "")
        if not text:
            return None
        try:
            moment = parse_datetime(text.replace(" ", "+")) if "T" in text else None
            if moment is None:
                moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time())
        except ValueError:
            moment = None
        if moment is None:
            raise Open311Error(
                400, _("%(name)s is not a W3C date and time: %(value)s") % {"name": name, "value": text[:40]}
            )
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def post(self, request):
        data = request.POST
        user = user_of(data.get("api_key", ""))
        code = data.get("service_code", "")
        category = next((c for c in services() if c.code == code), None)
        if category is None:
            raise Open311Error(404, _("There is no service “%(code)s”.") % {"code": code[:20]})
        lat, lng = self.coordinate(data, "lat", 90), self.coordinate(data, "long", 180)
        address = data.get("address_string", "").strip()[:200]
        if (lat is None or lng is None) and not address:
            raise Open311Error(400, _("Give lat and long, or address_string."))
        description = data.get("description", "").strip()
        if not description:
            raise Open311Error(400, _("Give a description."))
        description += self.attribute_text(data, category)
        media_url = data.get("media_url", "").strip()
        if media_url and (len(media_url) > 200 or not re.match(r"^https?://", media_url)):
            raise Open311Error(400, _("media_url is an http or https address of at most 200 characters."))
        organization = self.organization_for(user, lat, lng)
        name = " ".join(part for part in (data.get("first_name", ""), data.get("last_name", "")) if part)
        report = actions.Report(
            organization=organization, category=category, channel=Channel.OPEN311,
            description=description[:2000], lat=lat, lng=lng, address=address, reporter_name=name[:50],
            reporter_phone=data.get("phone", "")[:30], reporter_email=data.get("email", "")[:254],
            media_url=media_url,
        )  # fmt: skip
        try:
            case = actions.report_case(report, user)
        except PermissionDenied:
            raise Open311Error(403, _("This api_key's account may not report cases.")) from None
        except ValidationError as problem:
            raise Open311Error(400, " ".join(problem.messages)) from None
        return JsonResponse(
            [
                {
                    "service_request_id": case.number,
                    "token": case.token,
                    "service_notice": "",
                    "account_id": None,
                }
            ],
            safe=False,
            status=201,
        )

    @staticmethod
    def coordinate(data, name: str, bound: int) -> Decimal | None:
        text = data.get(name, "").strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from None
        if not value.is_finite() or abs(value) > bound:
            raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
        return value.quantize(Decimal("0.000001"))

    @staticmethod
    def attribute_text(data, category: Category) -> str:
        known = {attribute["code"]: attribute["description"] for attribute in attributes_of(category)}
        parts = []
        for key in data:
            match = re.fullmatch(r"attribute\[(.+)\]", key)
            if not match:
                continue
            name, value = match.group(1), data.get(key, "").strip()[:100]
            if name not in known:
                raise Open311Error(
                    400,
                    _("Service %(code)s has no attribute “%(name)s”.")
                    % {"code": category.code, "name": name[:30]},
                )
            if name == "component_code" and value and not COMPONENT_CODE.match(value):
                raise Open311Error(400, _("component_code is 16 digits."))
            if value:
                parts.append(f"{known[name]}：{value}")
        return f"（{'；'.join(parts)}）" if parts else ""

    @staticmethod
    def organization_for(user, lat, lng) -> Organization:
        scope = scope_for(user)
        centres = Organization.objects.filter(pk__in=Grid.objects.values("organization"), is_active=True)
        if not scope.everything:
            condition = Q(pk__in=[])
            for path in scope.own_paths:
                condition |= Q(path__startswith=path)
            centres = centres.filter(condition)
        if lat is not None:
            grid = Grid.objects.filter(
                organization__in=centres, south__lte=lat, north__gte=lat, west__lte=lng, east__gte=lng
            ).first()
            if grid is not None:
                return grid.organization
        centre = centres.order_by("pk").first()
        if centre is None:
            raise Open311Error(403, _("This api_key's account belongs to no command centre."))
        return centre


class RequestDetailView(Open311View):
    def get(self, request, number):
        case = (
            self.visible_cases()
            .select_related("category", "department", "organization")
            .filter(number=number)
            .first()
        )
        if case is None:
            raise Open311Error(404, _("There is no request “%(id)s”.") % {"id": number[:30]})
        return JsonResponse([request_json(case, latest_notes([case]))], safe=False)


class TokenView(Open311View):
    def get(self, request, token):
        case = Case.objects.filter(token=token).only("number").first() if len(token) == 32 else None
        if case is None:
            raise Open311Error(404, _("There is no request with this token."))
        return JsonResponse([{"service_request_id": case.number, "token": token}], safe=False)
