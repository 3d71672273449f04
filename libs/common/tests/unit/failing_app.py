"""A service app with one route that fails, served by a real uvicorn in test_logging.py."""

from fastapi import APIRouter

from common.app import ServiceSpec, create_app
from common.settings import ServiceSettings

router = APIRouter()


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("kaboom")


app = create_app(
    ServiceSpec(
        settings=ServiceSettings(env="test", service_name="failing"),
        title="failing",
        description="fails on purpose",
        routers=[router],
        uses_database=False,
    )
)
