"""Employees as HR knows them: synced by API, SCIM, CSV or events; departures and retention."""
