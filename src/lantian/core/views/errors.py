"""Error pages (400, 403, 404, 500, CSRF failure): branded, in the user's language, with a way back.

Rendered without the request's context processors and without the database, so that they still
show when what failed is the database, the session or a context processor; nothing about the
code, the URL configuration or the settings is shown, whatever DEBUG says.
"""

from django.http import HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def same_site_referer(request) -> str:
    """The page the user came from, if it is on this site: the target of the "back" link."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except Exception:  # a 400 for a disallowed Host header: no host to compare with
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, {host}, require_https=request.is_secure()):
        return referer
    return ""


def render_error(request, template: str, status: int) -> HttpResponse:
    context = {"back": same_site_referer(request), "request_id": getattr(request, "id", "")}
    return HttpResponse(loader.render_to_string(template, context), status=status)


def bad_request(request, exception=None):
    return render_error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return render_error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return render_error(request, "404.html", 404)


def server_error(request):
    return render_error(request, "500.html", 500)


def csrf_failure(request, reason=""):
    return render_error(request, "403_csrf.html", 403)
