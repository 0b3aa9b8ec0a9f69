"""Template tags of leak repair: a seal point's leaks, repairs and next detection due date."""

from django import template

from lantian.ldar.models.repair import DetectionDue
from lantian.ldar.views_repair import point_repairs

register = template.Library()


@register.inclusion_tag("ldar/repair/point_history.html", takes_context=True)
def point_repair_history(context, point):
    user = context["request"].user
    due = DetectionDue.objects.restrict(user, "view").filter(seal_point=point).first()
    return {"tasks": point_repairs(user, point), "due": due, "point": point, "request": context["request"]}
