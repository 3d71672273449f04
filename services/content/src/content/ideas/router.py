"""Routes of this room: ideas, submissions and help requests (main.py includes this one)."""

from fastapi import APIRouter

from content.ideas.briefs.router import router as ideas_router
from content.ideas.help.router import router as help_router
from content.ideas.submissions.router import router as submissions_router

router = APIRouter()
router.include_router(ideas_router)
router.include_router(submissions_router)
router.include_router(help_router)
