"""SCIM 2.0 provisioning (RFC 7643/7644): /scim/v2/Users over the employees HR states."""
