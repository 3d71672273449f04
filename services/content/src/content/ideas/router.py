"""Routes of this room (being built)."""

from fastapi import APIRouter

router = APIRouter()
