"""Test support shared by every service's integration and end-to-end tests."""
