"""Which networks can be connected through their API here, and with which app."""

from ambassadors.accounts.errors import ConnectionNotConfigured, ConnectionNotSupported
from ambassadors.accounts.linkedin import LinkedIn
from ambassadors.config import Settings
from ambassadors.models import Network


def linkedin_app(settings: Settings) -> LinkedIn | None:
    """The deployment's LinkedIn app, if one is registered."""
    if not settings.linkedin_client_id or not settings.linkedin_redirect_uri:
        return None
    return LinkedIn(
        client_id=settings.linkedin_client_id,
        client_secret=settings.linkedin_client_secret,
        redirect_uri=settings.linkedin_redirect_uri,
        base_url=settings.linkedin_oauth_base_url,
    )


def connectable(network: Network, settings: Settings) -> LinkedIn:
    """The adapter connecting this network; 409 with the reason when there is none."""
    if network != Network.linkedin:
        raise ConnectionNotSupported(
            f"{network.value} accounts cannot be connected through an API here (LinkedIn only); "
            "sharing works without a connection",
            field="network",
        )
    app = linkedin_app(settings)
    if app is None:
        raise ConnectionNotConfigured(
            "this deployment has no LinkedIn app registered (AMBASSADORS_LINKEDIN_CLIENT_ID)",
            field="network",
        )
    return app
