"""Every room's personal data (ambassadors.privacy.personal_data): one entry per room."""

from ambassadors.accounts import personal_data as social_accounts
from ambassadors.charters import privacy as charters
from ambassadors.imports import personal_data as csv_imports
from ambassadors.membership import personal_data as membership
from ambassadors.policies import privacy as policies
from ambassadors.privacy import held
from ambassadors.privacy.personal_data import PersonalData
from ambassadors.scim import privacy as scim
from ambassadors.team import personal_data as team
from ambassadors.training import privacy as training

ROOMS: tuple[PersonalData, ...] = (
    # First: its tokens are revoked at the network before the core room deletes the profiles.
    social_accounts.SOCIAL_ACCOUNTS,
    *held.CORE,
    team.SPOTLIGHTS,
    csv_imports.PERSONAL_DATA,
    charters.PERSONAL_DATA,
    training.PERSONAL_DATA,
    policies.PERSONAL_DATA,
    # After the core rooms: their withdrawal tells each program before these rows go.
    membership.PERSONAL_DATA,
    scim.PERSONAL_DATA,
)
