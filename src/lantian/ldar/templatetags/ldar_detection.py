"""Template tags of the detection process: a seal point's readings on its page."""

from django import template

from lantian.ldar.views_detection import point_history

register = template.Library()


@register.inclusion_tag("ldar/detection/point_detections.html", takes_context=True)
def point_detections(context, point):
    user = context["request"].user
    return {"records": point_history(user, point), "point": point, "request": context["request"]}
