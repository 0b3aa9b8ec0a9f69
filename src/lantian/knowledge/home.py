"""What the home pages show of the knowledge base: the documents in force, and what is coming."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core.home import Figure, Panel, register_home_panel
from lantian.knowledge.models import Document, Status, status_condition


@register_home_panel
def knowledge_base(user):
    if not user.has_perm("knowledge.view_document"):
        return None
    today = timezone.localdate()
    counts = (
        Document.objects.restrict(user, "view")
        .order_by()
        .aggregate(
            current=Count("pk", filter=status_condition(Status.CURRENT, today)),
            upcoming=Count("pk", filter=status_condition(Status.UPCOMING, today)),
        )
    )
    document_list = reverse("knowledge:document_list")
    figures = [
        Figure(_("in force"), counts["current"], f"{document_list}?status={Status.CURRENT}"),
        Figure(_("not yet in force"), counts["upcoming"], f"{document_list}?status={Status.UPCOMING}"),
    ]
    return Panel("knowledge.documents", _("Knowledge base"), "books", figures, url=document_list, weight=90)
