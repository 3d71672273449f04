"""Event contracts, one module per producing service. Versions only gain optional fields."""
