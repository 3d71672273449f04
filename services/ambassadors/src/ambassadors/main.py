"""Ambassadors service: programs, opt-in memberships, feeds, shares and tracked links."""

from fastapi import FastAPI

from ambassadors import links, me
from ambassadors.accounts import router as social_accounts
from ambassadors.api_keys import router as api_keys
from ambassadors.charters import router as charters
from ambassadors.config import Settings
from ambassadors.imports import router as csv_imports
from ambassadors.membership import invitations_router, rules_router
from ambassadors.membership import router as membership
from ambassadors.people import router as people
from ambassadors.policies import router as policies
from ambassadors.privacy import router as privacy
from ambassadors.router import router
from ambassadors.scim import router as scim
from ambassadors.staff.router import router as staff_router
from ambassadors.team import router as team
from ambassadors.training import onboarding
from ambassadors.training import router as training
from ambassadors.training.kit import router as kit
from common.app import ServiceSpec, create_app
from common.deadletters_router import dead_letter_router


def build_app(settings: Settings) -> FastAPI:
    """The service's app for the given settings (tests pass their own)."""
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Ambassadors service",
            description="Programs, opt-in memberships, feeds, shares and tracked links.",
            routers=[
                router,
                staff_router,
                api_keys.router,
                api_keys.internal_router,
                me.router,
                social_accounts.router,
                people.router,
                membership.router,
                invitations_router.router,
                rules_router.router,
                team.router,
                privacy.router,
                policies.router,
                csv_imports.router,
                charters.router,
                training.router,
                kit.router,
                onboarding.router,
                links.router,
                scim.router,
                dead_letter_router("ambassadors"),
            ],
            body_limits=csv_imports.BODY_LIMITS,
        )
    )


app = build_app(Settings())
