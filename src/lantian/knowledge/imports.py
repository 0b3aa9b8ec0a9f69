"""Excel import of the knowledge base (ARCHITECTURE rule 3)."""

from django.utils.translation import gettext_lazy

from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.knowledge.models import Category
from lantian.knowledge.search import normalize_number

DOCUMENTS = ImportSpec(
    fields=(
        ImportField("title", example="挥发性有机物无组织排放控制标准"),
        ImportField("number", normalize=normalize_number, example="GB 37822-2019"),
        ImportField("category", example=Category.ENVIRONMENTAL.label),
        ImportField("issuer", example="生态环境部、国家市场监督管理总局"),
        ImportField("issued_on", example="2019-05-24"),
        ImportField("effective_on", example="2019-07-01"),
        ImportField("abolished_on"),
        ImportField("keywords", example="VOCs、无组织排放、泄漏检测"),
        ImportField("summary", example="规定了 VOCs 物料储存、转移和输送等环节的无组织排放控制要求。"),
        ImportField(
            "full_text",
            help_text=gettext_lazy("Optional; a cell holds at most 32,767 characters in Excel."),
        ),
    ),
    # A number finds its entry; an entry without a number is found by its title and issue date.
    keys=(("number",), ("title", "issued_on")),
)
