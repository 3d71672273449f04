"""Caption variants per network and language, the rules they must follow, and anti-parrot checks."""
