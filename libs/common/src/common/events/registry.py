"""The catalogue of event contracts: ce_type -> payload model (and its topic)."""

from pydantic import ValidationError

from common.events.contracts import ambassadors, content, hr, people
from common.events.envelope import Envelope, EventPayload, MalformedEvent

CONTRACTS: dict[str, type[EventPayload]] = {
    model.ce_type: model
    for module in (content, ambassadors, people, hr)
    for model in module.CONTRACTS
}


def decode(envelope: Envelope) -> EventPayload:
    """Validate an envelope's data against its contract; MalformedEvent if it can't be."""
    model = CONTRACTS.get(envelope.type)
    if model is None:
        raise MalformedEvent(f"unknown event type {envelope.type!r}")
    try:
        return model.model_validate_json(envelope.data)
    except ValidationError as exc:
        raise MalformedEvent(f"{envelope.type} payload invalid: {exc.errors()[:3]}") from exc


def topics() -> set[str]:
    """Every topic (without prefix) that some contract is published on."""
    return {model.topic for model in CONTRACTS.values()}
