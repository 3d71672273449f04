"""How the SCIM routes' bodies are documented in OpenAPI (scim2-models reads and writes them;
these models only describe them, for the merged document and the API fuzzers)."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ambassadors.scim.resources import Employee, EnterpriseUser, User

SCIM_JSON = "application/scim+json"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SEARCH_URN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


class _Open(BaseModel):
    # SCIM bodies carry what their schemas say; a document lists the attributes we map.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ScimError(BaseModel):
    """A SCIM error (RFC 7644 §3.12)."""

    schemas: list[Literal["urn:ietf:params:scim:api:messages:2.0:Error"]]
    status: str = Field(pattern=r"^[0-9]{3}$", description="The HTTP status, as a string.")
    scimType: str | None = None  # noqa: N815 - SCIM's name
    detail: str | None = None


class ScimEmail(_Open):
    value: str | None = None
    type: str | None = None
    primary: bool | None = None


class ScimManager(_Open):
    value: str | None = None


class ScimEnterprise(_Open):
    employeeNumber: str | None = None  # noqa: N815
    department: str | None = None
    manager: ScimManager | None = None


class ScimEmployee(_Open):
    location: str | None = None
    isExecutive: bool | None = None  # noqa: N815


class _UserAttributes(_Open):
    schemas: list[str] | None = Field(default=None, examples=[[str(User.__schema__)]])
    userName: str | None = Field(default=None, min_length=1, max_length=320)  # noqa: N815
    externalId: str | None = Field(default=None, max_length=200)  # noqa: N815
    displayName: str | None = None  # noqa: N815
    title: str | None = None
    active: bool | None = None
    emails: list[ScimEmail] | None = None
    enterprise: ScimEnterprise | None = Field(default=None, alias=str(EnterpriseUser.__schema__))
    employee: ScimEmployee | None = Field(default=None, alias=str(Employee.__schema__))


class ScimUserWrite(_UserAttributes):
    """A User as a client sends it (POST, PUT); attributes we do not keep are ignored."""

    userName: str = Field(min_length=1, max_length=320, pattern=r"^\S+$")  # noqa: N815


class ScimMeta(_Open):
    resourceType: str | None = None  # noqa: N815
    created: str | None = None
    lastModified: str | None = None  # noqa: N815
    location: str | None = None
    version: str | None = None


class ScimUserRead(_UserAttributes):
    """A User as we answer it: an employee record (`attributes` may leave out all but id)."""

    id: str
    meta: ScimMeta | None = None


class ScimUserList(_Open):
    """One page of Users (RFC 7644 §3.4.2)."""

    schemas: list[str]
    totalResults: int  # noqa: N815
    itemsPerPage: int | None = None  # noqa: N815
    startIndex: int | None = None  # noqa: N815
    Resources: list[ScimUserRead] | None = None


class ScimPatchOperation(_Open):
    op: Literal["replace", "add", "remove"]
    path: str | None = None
    value: Any = None


class ScimPatch(BaseModel):
    """A PatchOp (RFC 7644 §3.5.2)."""

    schemas: list[Literal["urn:ietf:params:scim:api:messages:2.0:PatchOp"]] = Field(min_length=1)
    Operations: list[ScimPatchOperation] = Field(min_length=1)


class ScimSearch(_Open):
    """A search sent as a body (RFC 7644 §3.4.3)."""

    # scim2-server reads a search without `schemas` too.
    schemas: list[Literal["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]] | None = None
    filter: str | None = Field(default=None, max_length=4096)
    startIndex: int | None = None  # noqa: N815
    count: int | None = None
    attributes: list[str] | None = None
    excludedAttributes: list[str] | None = None  # noqa: N815


class ScimDocument(_Open):
    """A discovery document (ServiceProviderConfig, ResourceType, Schema or a list of them)."""

    schemas: list[str]


def body(model: type[BaseModel]) -> dict[str, Any]:
    """An operation's requestBody: the model, as application/scim+json or application/json."""
    schema = inline(model)
    return {
        "requestBody": {
            "required": True,
            "content": {SCIM_JSON: {"schema": schema}, "application/json": {"schema": schema}},
        }
    }


def answers(
    *statuses: int, ok: type[BaseModel] | None = None, code: int = 200
) -> dict[int | str, Any]:
    """The `responses=` of a route: its SCIM errors, and its success body as SCIM JSON."""
    error = inline(ScimError)
    documented: dict[int | str, Any] = {
        status: {"content": {SCIM_JSON: {"schema": _with_status(error, status)}}}
        for status in statuses
    }
    if ok is not None:
        documented[code] = {"content": {SCIM_JSON: {"schema": inline(ok)}}}
    return documented


def inline(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema with its definitions inlined: the document's components are
    FastAPI's to fill, and these bodies are not request parameters it would register."""
    schema = model.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def _with_status(error: dict[str, Any], status: int) -> dict[str, Any]:
    properties = dict(error["properties"])
    properties["status"] = {**properties["status"], "const": str(status)}
    return {**error, "properties": properties}
