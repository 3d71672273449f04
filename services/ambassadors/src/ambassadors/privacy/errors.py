"""Privacy errors a frontend can show."""

from common.errors import Conflict


class AlreadyErased(Conflict):
    code = "already_erased"
