"""scim2-server's SCIM protocol (request validation, PUT and PATCH semantics, conditional
headers, responses), with our answers where RFC 7644 leaves the choice."""

from typing import Any

from scim2_models import (
    Context,
    InvalidFilterException,
    Resource,
    ResourceType,
    ResponseParameters,
    SearchRequest,
)
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService

from ambassadors.scim.resources import PROVIDER


class EmployeeScim(ScimService):
    """The protocol for our one resource type, Users."""

    def read_search(
        self, resource_types: list[ResourceType], payload: Any
    ) -> tuple[SearchRequest[Any], Any]:
        """A search request; a bad filter's error names the `filter` parameter."""
        try:
            return super().read_search(resource_types, payload)
        except InvalidFilterException as exc:
            if exc.detail.startswith("filter"):
                raise
            raise InvalidFilterException(detail=f"filter: {exc.detail}") from exc

    def patch_response(
        self,
        base_url: str,
        resource: Resource[Any],
        response_parameters: ResponseParameters[Any],
    ) -> ScimResponse:
        """200 with the user (RFC 7644 §3.5.2 allows 204): Okta reads the user back from it."""
        return self.resource_response(
            self.publish(base_url, resource), Context.RESOURCE_PATCH_RESPONSE, response_parameters
        )


PROTOCOL = EmployeeScim(PROVIDER)
