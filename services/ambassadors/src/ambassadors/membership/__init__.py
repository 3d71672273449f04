"""Voluntary membership: a person joins and leaves programs by their own action; invitations,
eligibility rules, discovery and onboarding only ever propose (docs/people/membership.md)."""
