"""Team dynamics: a sub-program's upcoming moments (from content's calendar) and spotlights."""
