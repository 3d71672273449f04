"""Charter errors a frontend can act on."""

from common.errors import Conflict, Forbidden, NotFound


class CharterNotFound(NotFound):
    code = "charter_not_found"


class CharterNotDraft(Conflict):
    code = "charter_not_draft"


class CharterDraftOutdated(Conflict):
    code = "charter_draft_outdated"


class CharterVersionNotCurrent(Conflict):
    code = "charter_version_not_current"


class CharterNotAccepted(Forbidden):
    code = "charter_not_accepted"
