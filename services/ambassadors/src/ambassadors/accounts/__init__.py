"""A person's social accounts: audience history, API connections, consent to automated posting."""
