"""API key errors."""

from common.errors import Conflict, NotFound


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"


class ApiKeyAlreadyCreated(Conflict):
    code = "api_key_already_created"
