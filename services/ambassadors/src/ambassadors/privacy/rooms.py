"""Every room's personal data (ambassadors.privacy.personal_data): one entry per room."""

from ambassadors.privacy.personal_data import PersonalData

ROOMS: tuple[PersonalData, ...] = ()
