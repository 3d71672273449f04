"""Policy errors a frontend can show: every share refusal is a 409 with its own code (a rule of
the program that can change or pass), never a 403 (kept for who the caller is)."""

from common.errors import Conflict


class PolicyVersionConflict(Conflict):
    code = "policy_version_conflict"


class SharingPaused(Conflict):
    code = "sharing_paused"


class NetworkNotAllowed(Conflict):
    code = "network_not_allowed"


class OutsideSharingHours(Conflict):
    code = "outside_sharing_hours"


class DailyShareCapReached(Conflict):
    code = "daily_share_cap_reached"


class ColleagueSharedRecently(Conflict):
    code = "colleague_shared_recently"
