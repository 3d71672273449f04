"""A person's data: export (JSON) and erasure, propagated to other services by event."""
