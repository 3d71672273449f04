"""The SCIM resource we serve: a User made of what an employee record holds, the enterprise
extension's part of it and a small extension of ours, as /Schemas and /ResourceTypes publish.

Only attributes we keep are declared, so a client (and scim2-tester) sees exactly what round
trips. What Okta or Entra ID send beyond them (name, phoneNumbers, password…) is ignored rather
than refused (ScimPolicy.Unknown.ignore): refusing would stop their provisioning.
"""

from typing import Annotated, Any

from pydantic import field_validator
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    ExtensibleStringEnum,
    Extension,
    Filter,
    Pagination,
    Patch,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

MAX_RESULTS = 100


class Email(ComplexAttribute):
    """One e-mail address; we keep one per person, returned as the primary work address."""

    class Type(ExtensibleStringEnum):
        work = "work"
        home = "home"
        other = "other"

    value: str | None = None
    """The address."""

    # Declared so that a filter on them (Entra ID's emails[type eq "work"].value) is valid.
    type: Type | None = None
    """work, home or other."""

    primary: bool | None = None
    """Whether this is the address to use."""


class User(Resource[AnyExtension]):
    """An employee as HR states them."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The sign-in name (e-mail or UPN), unique in the organisation, compared without case."""

    display_name: str | None = None
    """The person's name, as shown."""

    title: str | None = None
    """The job title."""

    active: bool | None = None
    """false: the person left (deactivated at once); left out, the status is kept."""

    emails: list[Email] | None = None
    """The person's e-mail address (one is kept)."""


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    """The manager's id here, or their HR external id if they have no record yet."""


class EnterpriseUser(Extension):
    """Enterprise User (RFC 7643 §4.3), the attributes an employee record keeps."""

    __schema__ = URN("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")

    employee_number: str | None = None
    """The employee number HR gives the person."""

    department: str | None = None
    """The department."""

    manager: Manager | None = None
    """The person's manager."""

    @field_validator("manager", mode="before")
    @classmethod
    def _bare_manager(cls, value: Any) -> Any:
        # Entra ID patches `…:manager` with the manager's id as a bare string.
        return {"value": value} if isinstance(value, str) else value


class Employee(Extension):
    """What an employee advocacy program needs to know beyond the enterprise extension."""

    __schema__ = URN("urn:advocacy:params:scim:schemas:extension:employee:2.0:User")

    location: str | None = None
    """Where the person works (site or city)."""

    is_executive: bool | None = None
    """Whether the person is an executive (executive ambassadors)."""


USER_TYPE = ResourceType.from_resource(User[EnterpriseUser | Employee])

CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    pagination=Pagination(
        index=True, cursor=False, default_page_size=MAX_RESULTS, max_page_size=MAX_RESULTS
    ),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="API key",
            description="An API key with the hr:write scope, sent as a Bearer token.",
            primary=True,
        )
    ],
)

# Entra ID's habits: a `remove` naming its value, a filtered path with no entry yet.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Employee],
    resource_types=[USER_TYPE],
    config=CONFIG,
    policy=POLICY,
)
UserModel: Any = PROVIDER.model_for(USER_TYPE)
