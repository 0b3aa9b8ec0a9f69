"""The knowledge base of the demo city: the seed entries (normally loaded by migration already)."""

from lantian.knowledge.models import Document
from lantian.knowledge.seed import load_seed


def build_demo() -> list[str]:
    load_seed(Document)
    return [f"Knowledge base: {Document.objects.count()} regulations and standards"]
