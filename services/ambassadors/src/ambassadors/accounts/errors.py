"""Social account errors a frontend can show (stable codes)."""

from common.errors import Conflict, InvalidInput, NotFound, UpstreamUnavailable


class AccountNotFound(NotFound):
    code = "social_account_not_found"


class ConsentNotFound(NotFound):
    code = "posting_consent_not_found"


class ConnectionNotSupported(Conflict):
    """No API connection exists for this network here (only LinkedIn has an adapter)."""

    code = "connection_not_supported"


class ConnectionNotConfigured(Conflict):
    """The organisation's deployment has no app registered with the network."""

    code = "connection_not_configured"


class FacebookPersonalProfile(Conflict):
    """Facebook apps cannot post to personal profiles."""

    code = "facebook_personal_profile"


class InstagramPersonalAccount(Conflict):
    """Instagram's API publishes only for professional accounts."""

    code = "instagram_personal_account"


class InvalidState(InvalidInput):
    """Unknown, already used, or another person's authorization state."""

    code = "oauth_state_invalid"


class StateExpired(InvalidInput):
    code = "oauth_state_expired"


class CodeRejected(InvalidInput):
    """The network refused the authorization code (expired, used, or for another app)."""

    code = "authorization_code_rejected"


class ProviderUnavailable(UpstreamUnavailable):
    code = "social_network_unavailable"
