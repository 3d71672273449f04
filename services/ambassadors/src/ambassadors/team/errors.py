"""Team errors a frontend can show."""

from common.errors import Conflict, InvalidInput, NotFound


class SpotlightNotFound(NotFound):
    code = "spotlight_not_found"


class NotMemberOfSubProgram(InvalidInput):
    code = "ambassador_not_member"


class ShareNotFound(InvalidInput):
    code = "share_not_found"


class SpotlightExists(Conflict):
    code = "spotlight_exists"


class NotAwaitingConsent(Conflict):
    code = "spotlight_not_awaiting_consent"


class SpotlightClosed(Conflict):
    code = "spotlight_closed"


class NoLongerMember(Conflict):
    code = "not_member"
