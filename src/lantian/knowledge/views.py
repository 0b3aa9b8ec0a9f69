"""The knowledge base pages that differ from the generic ones: the search list and the detail page."""

from urllib.parse import urlencode

from lantian.core.views.generic import ObjectDetailView, ObjectListView
from lantian.knowledge import search
from lantian.knowledge.models import Document, Status

STATUS_CSS = {
    Status.CURRENT: "bg-green-lt",
    Status.UPCOMING: "bg-blue-lt",
    Status.ABOLISHED: "bg-secondary-lt",
}


# Short values that read badly when wrapped.
NOWRAP = frozenset(
    {"number", "category", "issued_on", "effective_on", "abolished_on", "status", "updated_at"}
)
CELL_CSS = dict.fromkeys(NOWRAP, "text-nowrap")


def field_labels() -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in Document._meta.fields}


class DocumentListView(ObjectListView):
    """The list with one search box: each result shows the fragment that matched, terms marked."""

    template_name = "knowledge/document_list.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["knowledge/document_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        terms = search.split_terms(query)
        suffix = f"?{urlencode({'q': query})}" if terms else ""
        labels = field_labels()
        accessors = [column.accessor for column in self.table.visible]
        for row in context["rows"]:
            obj = row["object"]
            row["url"] = obj.get_absolute_url() + suffix
            row["status_css"] = STATUS_CSS[obj.status]
            row["match"] = search.matches(obj, query, labels) if terms else None
            for accessor, cell in zip(accessors, row["cells"], strict=True):
                cell["accessor"] = accessor
                # Search results show a fragment under the title: give it the room.
                cell["css"] = "w-50" if accessor == "title" and terms else CELL_CSS.get(accessor, "")
        context.update(search_query=query, search_terms=terms)
        return context


class DocumentDetailView(ObjectDetailView):
    """The metadata, the summary and the full text; the words searched for are marked."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        terms = search.split_terms(self.request.GET.get("q", ""))
        context.update(
            status=obj.status,
            status_css=STATUS_CSS[obj.status],
            search_terms=terms,
            search_query=" ".join(terms),
            summary_html=search.highlight(obj.summary, terms),
            full_text_html=search.highlight(obj.full_text, terms),
        )
        return context
