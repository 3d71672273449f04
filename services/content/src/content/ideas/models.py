"""Every table of this room, imported by content.tables (so Alembic and tests see them)."""

from content.ideas.briefs.models import Idea, IdeaTarget
from content.ideas.help.models import HelpRequest
from content.ideas.submissions.models import Submission

__all__ = ["HelpRequest", "Idea", "IdeaTarget", "Submission"]
