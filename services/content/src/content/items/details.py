"""Kind-specific details of an item, validated per kind (stored as JSON on the item)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError

from content.models import ContentKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MediaReference(_Strict):
    """An image or a video ambassadors may post; alt text is required (accessibility)."""

    type: Literal["image", "video"]
    url: AnyHttpUrl
    alt_text: str = Field(min_length=1, max_length=1_000)
    duration_seconds: int | None = Field(default=None, ge=1, le=36_000)


class MediaDetails(_Strict):
    media: list[MediaReference] = Field(min_length=1, max_length=20)


class TalkingPoint(_Strict):
    """A question people really ask (at a fair, a student forum) and a suggested answer."""

    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=3_000)


class TalkingPointsDetails(_Strict):
    occasion: str | None = Field(default=None, max_length=200)  # "Student forum, Lyon"
    points: list[TalkingPoint] = Field(min_length=1, max_length=50)


class EventDetails(_Strict):
    starts_at: datetime
    ends_at: datetime | None = None
    location: str | None = Field(default=None, max_length=300)
    registration_url: AnyHttpUrl | None = None


class CrisisDetails(_Strict):
    severity: Literal["info", "warning", "critical"] = "warning"
    # Facts ambassadors may relay as they are; anything else they are asked not to comment on.
    facts: list[str] = Field(default_factory=list, max_length=20)


class NoDetails(_Strict):
    pass


class Details:
    """The model each kind's details must fit."""

    MODELS: dict[str, type[BaseModel]] = {
        ContentKind.article: NoDetails,
        ContentKind.post: NoDetails,
        ContentKind.media: MediaDetails,
        ContentKind.talking_points: TalkingPointsDetails,
        ContentKind.event: EventDetails,
        ContentKind.crisis_message: CrisisDetails,
    }

    @classmethod
    def problems(cls, kind: str, details: dict[str, Any]) -> list[tuple[str, str]]:
        """(field, message) for every problem, fields named `details.<path>`."""
        try:
            cls.MODELS[kind].model_validate(details)
        except ValidationError as exc:
            return [
                ("details." + ".".join(str(p) for p in error["loc"]), error["msg"])
                for error in exc.errors()
            ]
        return []
