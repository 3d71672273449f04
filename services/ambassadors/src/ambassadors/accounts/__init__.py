"""Social accounts: declared handles and audiences with history, API connections with encrypted
tokens, consent to automated posting, reminders before either lapses (ADR 0018)."""
