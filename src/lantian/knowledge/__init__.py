"""The knowledge base (知识库): laws, regulations and standards, searchable by everyone."""
