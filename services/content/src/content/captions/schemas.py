"""API models of the captions room: variants, caption rules, checks and anti-parrot."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from content.captions.models import MAX_TEXT
from content.items.schemas import Language, Network

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Term = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Hashtag = Annotated[str, StringConstraints(pattern=r"^#?\w{1,100}$")]
Delivery = Literal["prefill", "copy"]
# Facebook's platform policy forbids prefilled share text, and Instagram's share intents take
# none: their variants are shown for the person to copy.
DELIVERY: dict[str, Delivery] = {
    "linkedin": "prefill",
    "x": "prefill",
    "custom": "prefill",
    "facebook": "copy",
    "instagram": "copy",
}


class ProblemRead(BaseModel):
    """One broken rule (the same entries as a 422's errors[])."""

    model_config = ConfigDict(extra="allow")

    field: str
    code: str
    message: str


class CaptionCreate(BaseModel):
    """A suggested caption for one network; the language defaults to the item's."""

    model_config = ConfigDict(extra="forbid")

    network: Network
    language: Language | None = None
    text: Text
    label: Label | None = None


class CaptionUpdate(BaseModel):
    """A PATCH: only the fields sent change (network and language are the variant's identity)."""

    model_config = ConfigDict(extra="forbid")

    text: Text | None = None
    label: Label | None = None


class CaptionRead(BaseModel):
    """A caption variant, how it is delivered, and what it breaks of today's rules (if anything)."""

    id: uuid.UUID
    content_id: uuid.UUID
    network: str
    language: str
    text: str
    label: str | None
    delivery: Delivery
    problems: list[ProblemRead]
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime


class Rotation(BaseModel):
    """Which of the variants this is, for this person."""

    index: int
    of: int


class SuggestionRead(CaptionRead):
    """The variant a person should start from."""

    rotation: Rotation


class RulesWrite(BaseModel):
    """The caption rules of one charter level (a PUT replaces them all)."""

    model_config = ConfigDict(extra="forbid")

    banned_terms: list[Term] = Field(default_factory=list, max_length=200)
    required_hashtags: list[Hashtag] = Field(default_factory=list, max_length=10)
    signature: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    signature_at_end: bool = True
    disclosures: list[Term] = Field(default_factory=list, max_length=20)
    max_hashtags: int | None = Field(default=None, ge=0, le=100)
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT)


class RulesFields(BaseModel):
    """Caption rules as stored."""

    banned_terms: list[str]
    required_hashtags: list[str]
    signature: str | None
    signature_at_end: bool
    disclosures: list[str]
    max_hashtags: int | None
    max_length: int | None


class EffectiveRules(BaseModel):
    """The rules in force after merging levels: united lists, the stricter limit."""

    banned_terms: list[str]
    required_hashtags: list[str]
    signatures: list[dict[str, object]]
    disclosure_groups: list[list[str]]
    max_hashtags: int | None
    max_length: int | None


class RulesRead(RulesFields):
    """One level's caption rules (version 0 and no dates: none set yet) and what is in force."""

    scope_type: str
    scope_id: uuid.UUID
    program_id: uuid.UUID
    version: int
    updated_by: uuid.UUID | None
    updated_at: datetime | None
    effective: EffectiveRules


class CheckRequest(BaseModel):
    """A dry run: the rules of an item's sub-programs, of named sub-programs, or the network's."""

    model_config = ConfigDict(extra="forbid")

    text: Text
    network: Network
    content_id: uuid.UUID | None = None
    sub_program_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class CheckRead(BaseModel):
    """What the text breaks (nothing: ok), with the counts the limits apply to."""

    ok: bool
    problems: list[ProblemRead]
    length: int
    max_length: int | None
    hashtags: int
    max_hashtags: int | None
    delivery: Delivery


class SimilarityRequest(BaseModel):
    """A text to compare; record=true keeps it as the caller's post of the item on the network."""

    model_config = ConfigDict(extra="forbid")

    text: Text
    network: Network
    record: bool = False


class Closest(BaseModel):
    source: Literal["caption", "post"]
    id: uuid.UUID


class Thresholds(BaseModel):
    verbatim: float
    close: float


class SimilarityRead(BaseModel):
    """How close the text is to the nearest caption or colleague's post."""

    score: float
    verdict: Literal["verbatim", "close", "personalised"]
    closest: Closest | None
    thresholds: Thresholds
    compared: int
    recorded: bool


class NetworkCirculation(BaseModel):
    """One network's variety: variants offered, texts really posted, how personal they are."""

    network: str
    variants_offered: int
    posts_recorded: int
    distinct_texts: int
    verbatim: int
    close: int
    personalised: int
    personalised_rate: float | None
    verbatim_rate: float | None


class CirculationRead(BaseModel):
    content_id: uuid.UUID
    networks: list[NetworkCirculation]
    thresholds: Thresholds
