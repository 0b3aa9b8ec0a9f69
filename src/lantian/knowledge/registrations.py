"""The knowledge models' registrations with the generic machinery (docs/developing.md)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lantian.core import registry
from lantian.core.tables import Column, Table
from lantian.knowledge import imports, views
from lantian.knowledge.filtersets import DocumentFilterSet
from lantian.knowledge.forms import DocumentForm
from lantian.knowledge.models import Document


class DocumentTable(Table):
    columns = (
        Column("number", linkify=True),
        Column("title", linkify=True),
        Column("category"),
        Column("issuer"),
        Column("issued_on"),
        Column("effective_on"),
        Column("status", _("status"), sortable=False),
        Column("abolished_on", visible=False),
        Column("keywords", sortable=False, visible=False),
        Column("updated_at", visible=False),
    )
    # Newest first; documents without an issue date last on every database.
    default_order = (F("issued_on").desc(nulls_last=True), "-pk")


registry.register(
    Document,
    table=DocumentTable,
    filterset=DocumentFilterSet,
    form=DocumentForm,
    importer=imports.DOCUMENTS,
    detail_fields=(
        "number",
        "title",
        "category",
        "issuer",
        "issued_on",
        "effective_on",
        "abolished_on",
        "keywords",
        "updated_at",
    ),
    detail_template="knowledge/document_detail.html",
    views={"list": views.DocumentListView, "detail": views.DocumentDetailView},
)
