"""Metrics API models: every figure says whether it was observed or estimated."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field


class Figure(BaseModel):
    """One number and how we know it."""

    value: int
    basis: Literal["observed", "estimated"]
    method: str = Field(description="How the value was obtained.")


class ContentMetrics(BaseModel):
    content_id: uuid.UUID
    shares: Figure
    clicks: Figure
    potential_reach: Figure


class OrgMetrics(BaseModel):
    shares: Figure
    clicks: Figure
    potential_reach: Figure
