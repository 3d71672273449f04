"""Content items: create, edit (revisions once published), translate, read, search."""
