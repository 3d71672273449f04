"""Who may see and do what in content: a local read model of the ambassadors service's events."""
