"""The event a policy write stages: ambassadors.policy.changed.v1 (key: the program id, so a
program's and its sub-programs' changes arrive in order)."""

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.policies.hours import SharingHours
from ambassadors.policies.models import ProgramPolicy
from common.events.contracts.people import PolicyChangedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def policy_changed(session: AsyncSession, row: ProgramPolicy) -> None:
    """Tell other services and integrations what this level now says (null: inherited)."""
    hours = SharingHours.parse(row.sharing_hours) if row.sharing_hours else None
    add_event(
        session,
        PolicyChangedV1(
            org_id=row.org_id,
            program_id=row.program_id,
            scope_type="sub_program" if row.scope_type == "sub_program" else "program",
            scope_id=row.scope_id,
            version=row.version,
            allowed_networks=row.allowed_networks,
            daily_share_cap=row.daily_share_cap,
            sharing_start=hours.start.strftime("%H:%M") if hours else None,
            sharing_end=hours.end.strftime("%H:%M") if hours else None,
            sharing_days=hours.day_names() if hours else None,
            time_zone=row.time_zone,
            gamification=row.gamification,
            spread_minutes=row.spread_minutes,
            sharing_paused=row.sharing_paused,
            changed_by=row.updated_by,
            changed_at=row.updated_at,
        ),
        source=SOURCE,
        subject=f"policies/{row.scope_id}",
        key=str(row.program_id),
        orgid=str(row.org_id),
        programid=str(row.program_id),
        subprogramid=str(row.scope_id) if row.scope_type == "sub_program" else None,
    )
