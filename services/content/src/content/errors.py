"""Content domain errors."""

from common.errors import Conflict, NotFound


class ContentNotFound(NotFound):
    code = "content_not_found"


class ContentAlreadyPublished(Conflict):
    code = "content_already_published"


class SubProgramNotFound(NotFound):
    code = "sub_program_not_found"
