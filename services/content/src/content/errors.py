"""Content domain errors shared by the rooms."""

from common.errors import NotFound


class ContentNotFound(NotFound):
    code = "content_not_found"
