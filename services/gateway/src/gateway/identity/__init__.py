"""Who is calling the gateway: identity providers' tokens and API keys, turned into assertions."""
