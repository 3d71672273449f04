"""Curation sources: RSS/Atom feeds polled into a queue that comms accepts or discards."""
