"""Membership errors a frontend can act on (each with a stable code)."""

from common.errors import Conflict, NotFound


class InvitationNotFound(NotFound):
    code = "invitation_not_found"


class InvitationNotOpen(Conflict):
    """The invitation was already accepted, declined or revoked."""

    code = "invitation_not_open"


class AlreadyInvited(Conflict):
    code = "already_invited"


class InviteeDeparted(Conflict):
    """HR says the person left: nobody invites them any more."""

    code = "employee_departed"


class InviteeAlreadyMember(Conflict):
    code = "already_member"
