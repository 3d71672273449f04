"""Ambassadors' own posts, in response to an idea or spontaneous, and their review."""
