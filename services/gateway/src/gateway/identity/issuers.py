"""Trusted identity providers, as configured (GATEWAY_OIDC_ISSUERS, a JSON list)."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field, HttpUrl, model_validator

from common.auth import Role

# Asymmetric algorithms only: an HMAC "verified" with a public key is the key-confusion attack,
# and "none" is no signature at all. Per issuer, a subset of these is allowed.
AsymmetricAlgorithm = Literal[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
]


def _employee() -> list[Role]:
    return ["employee"]


class IssuerConfig(BaseModel):
    """One identity provider: where its keys are, what its tokens must say, how to read them."""

    issuer: str = Field(min_length=1, description="exact `iss` of its tokens")
    audience: list[str] = Field(min_length=1, description="accepted `aud` values")
    jwks_url: HttpUrl | None = None
    public_keys: str | None = Field(default=None, description="PEM public key(s), instead of JWKS")
    algorithms: list[AsymmetricAlgorithm] = Field(default=["RS256", "ES256"], min_length=1)
    # A company's own IdP serves one organisation; a shared one names it in a claim.
    org_id: uuid.UUID | None = None
    org_claim: str = "org"
    roles_claim: str = "roles"
    # Where the person's sign-in name is, first present wins: links them to their HR record.
    username_claims: list[str] = Field(
        default_factory=lambda: ["preferred_username", "upn", "email"], max_length=8
    )
    # IdP group or role name -> our role; our own role names are accepted as they are.
    role_map: dict[str, Role] = Field(default_factory=dict)
    # Roles every person from this IdP has (an employee of the company).
    default_roles: list[Role] = Field(default_factory=_employee)
    # "operator" spans organisations: only the platform's own IdP may grant it.
    allow_operator: bool = False

    @model_validator(mode="before")
    @classmethod
    def _audience_as_list(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("audience"), str):
            return {**data, "audience": [data["audience"]]}
        return data

    @model_validator(mode="after")
    def _one_key_source(self) -> "IssuerConfig":
        if (self.jwks_url is None) == (self.public_keys is None):
            raise ValueError(f"issuer {self.issuer!r}: set exactly one of jwks_url, public_keys")
        return self
