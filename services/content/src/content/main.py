"""Content service: the catalogue of things ambassadors can relay, and their approval."""

from common.app import ServiceSpec, create_app
from content.config import Settings
from content.router import router

app = create_app(
    ServiceSpec(
        settings=Settings(),
        title="Content service",
        description="Content items, approval and publication to sub-programs.",
        routers=[router],
    )
)
