"""The merged policy: a sub-program's own settings over its program's over the defaults; the
scope and zone a cap counts in; networks gamification may reward (never Facebook)."""

import uuid
from datetime import UTC, datetime

from ambassadors.policies.effective import merge
from ambassadors.policies.models import ProgramPolicy

PROGRAM, SUB = uuid.uuid4(), uuid.uuid4()


def level(scope_type: str, **fields: object) -> ProgramPolicy:
    now = datetime.now(UTC)
    scope_id = PROGRAM if scope_type == "program" else SUB
    return ProgramPolicy(
        org_id=uuid.uuid4(),
        program_id=PROGRAM,
        scope_type=scope_type,
        scope_id=scope_id,
        created_at=now,
        updated_at=now,
        **fields,
    )


def test_nothing_set_is_the_defaults_with_gamification_off() -> None:
    policy = merge(program_id=PROGRAM, program=None, sub_program_id=SUB, sub=None)
    assert policy.allowed_networks == ["linkedin", "x", "facebook", "instagram"]
    assert (policy.cap, policy.hours, policy.spread_minutes) == (None, None, None)
    assert policy.values["gamification"] is False and policy.rewarded_networks == []
    assert policy.zone.key == "UTC"


def test_own_settings_win_and_nulls_inherit() -> None:
    program = level("program", daily_share_cap=5, time_zone="Asia/Tokyo", gamification=True)
    sub = level("sub_program", daily_share_cap=2, allowed_networks=["facebook", "x"])
    policy = merge(program_id=PROGRAM, program=program, sub_program_id=SUB, sub=sub)
    assert (policy.cap, policy.sources["daily_share_cap"]) == (2, "sub_program")
    assert (policy.zone.key, policy.sources["time_zone"]) == ("Asia/Tokyo", "program")
    assert policy.sources["spread_minutes"] == "default"
    assert policy.rewarded_networks == ["x"]  # Facebook shares earn nothing


def test_a_false_setting_overrides_a_true_one() -> None:
    program = level("program", gamification=True, sharing_paused=True)
    sub = level("sub_program", gamification=False, sharing_paused=False)
    policy = merge(program_id=PROGRAM, program=program, sub_program_id=SUB, sub=sub)
    assert (policy.values["gamification"], policy.values["sharing_paused"]) == (False, False)


def test_a_cap_counts_in_the_scope_and_zone_that_set_it() -> None:
    program = level("program", daily_share_cap=3, time_zone="Europe/Paris")
    inheriting = merge(
        program_id=PROGRAM,
        program=program,
        sub_program_id=SUB,
        sub=level("sub_program", time_zone="America/New_York"),
    )
    own = merge(
        program_id=PROGRAM,
        program=program,
        sub_program_id=SUB,
        sub=level("sub_program", daily_share_cap=1, time_zone="America/New_York"),
    )
    scope, zone = inheriting.cap_scope()
    assert (scope, zone.key) == (PROGRAM, "Europe/Paris")
    scope, zone = own.cap_scope()
    assert (scope, zone.key) == (SUB, "America/New_York")
