"""Tables of this room (being built)."""
