"""Charters: versioned terms of a program or sub-program, and who accepted which version."""
