"""Training modules and their completions, the communication kit, and the onboarding track."""
