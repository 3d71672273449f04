"""Gateway errors: what went wrong on the way to an upstream."""

from common.errors import AppError, UpstreamUnavailable

__all__ = ["UpstreamBadResponse", "UpstreamTimeout", "UpstreamUnavailable"]


class UpstreamTimeout(AppError):
    status, code = 504, "upstream_timeout"


class UpstreamBadResponse(AppError):
    status, code = 502, "upstream_error"
