"""API keys for integrations (HR, CRM, analytics tools): created by org admins, shown once."""
