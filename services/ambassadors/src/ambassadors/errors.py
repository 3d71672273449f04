"""Ambassadors domain errors."""

from common.errors import Conflict, NotFound


class ProgramNotFound(NotFound):
    code = "program_not_found"


class SubProgramNotFound(NotFound):
    code = "sub_program_not_found"


class NotMember(NotFound):
    code = "not_member"


class AlreadyMember(Conflict):
    code = "already_member"


class NotInFeed(NotFound):
    code = "content_not_in_feed"


class NoProfileOnNetwork(Conflict):
    code = "no_profile_on_network"


class AlreadyShared(Conflict):
    code = "already_shared"


class NothingToLink(Conflict):
    code = "content_has_no_link"


class LinkNotFound(NotFound):
    code = "link_not_found"


class GrantNotFound(NotFound):
    code = "staff_grant_not_found"


class AlreadyGranted(Conflict):
    code = "staff_role_already_granted"
