"""Ideas (briefs) comms publishes to sub-programs for ambassadors to act on."""
