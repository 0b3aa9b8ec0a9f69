"""Guard-rail pages besides the generic ones: a rule's parameters explained, a flag with the readings
it concerns, and the flags per testing agency with their counts per rule (the bureau's overview)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from lantian.core.models import Organization
from lantian.core.views.generic import ObjectDetailView
from lantian.ldar import guardrails as kernel
from lantian.ldar.models import GuardRailFlag
from lantian.ldar.models.guardrails import PARAMETERS, default_parameters


class GuardRailRuleDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = self.object
        values = {**default_parameters(rule.code), **(rule.parameters or {})}
        context["parameters"] = [
            (PARAMETERS[name][0], f"{value:g}", PARAMETERS[name][1]) for name, value in values.items()
        ]
        return context


class GuardRailFlagDetailView(ObjectDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("record", "other_record", "work_order", "cycle__enterprise"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flag = self.object
        records = reverse("ldar:detectionrecord_list")
        if flag.record_id is None and flag.work_order_id is not None:
            context["records_url"] = f"{records}?work_order={flag.work_order_id}"
        elif flag.other_record_id is not None:
            context["records_url"] = f"{records}?work_order={flag.work_order_id}&q={flag.record.operator}"
        return context


def counts_by_agency(user) -> list[dict]:
    """Per testing agency the user sees: its flags per rule, its flagged work orders and its total."""
    flags = GuardRailFlag.objects.restrict(user, "view").order_by()
    per_rule = flags.values("agency_id", "rule").annotate(n=Count("pk"))
    orders = flags.exclude(work_order=None).values("agency_id").annotate(n=Count("work_order", distinct=True))
    agencies = {
        a.pk: a
        for a in Organization.objects.restrict(user, "view").filter(
            pk__in={row["agency_id"] for row in per_rule}
        )
    }
    table = {}
    for row in per_rule:
        agency = agencies.get(row["agency_id"])
        if agency is None:
            continue
        entry = table.setdefault(agency.pk, {"agency": agency, "rules": {}, "total": 0, "orders": 0})
        entry["rules"][row["rule"]] = row["n"]
        entry["total"] += row["n"]
    for row in orders:
        if row["agency_id"] in table:
            table[row["agency_id"]]["orders"] = row["n"]
    flag_list = reverse("ldar:guardrailflag_list")
    rows = []
    for entry in sorted(table.values(), key=lambda e: (-e["total"], e["agency"].name)):
        pk = entry["agency"].pk
        rows.append(
            {
                **entry,
                "url": f"{flag_list}?agency={pk}",
                "cells": [
                    (entry["rules"].get(rule.code, 0), f"{flag_list}?agency={pk}&rule={rule.code}")
                    for rule in kernel.RULES
                ],
            }
        )
    return rows


class FlagsByAgencyView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "ldar.view_guardrailflag"
    template_name = "ldar/guardrails/by_agency.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rules=kernel.RULES, rows=counts_by_agency(self.request.user))
        return context
