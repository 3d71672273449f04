"""Property-based API testing of the whole public API through the gateway (schemathesis)."""

import asyncio
import subprocess
import sys

import pytest

from advocacy_testing.apps import Tenant
from advocacy_testing.stack import Stack

# not_a_server_error: no input makes us answer 5xx; negative_data_rejection: invalid input is a
# 4xx; ignored_auth: every operation that declares auth refuses a request without it.
CHECKS = "not_a_server_error,negative_data_rejection,ignored_auth"


# The coverage phase's negative cases include "an undeclared header" for every operation that
# declares one (Idempotency-Key) and expect it rejected; HTTP servers accept unknown headers by
# design (schemathesis issue #2726). So coverage runs with valid data only, and the other phases
# with valid and invalid data.
RUNS = {
    "examples,fuzzing,stateful": "all",
    "coverage": "positive",
}


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
@pytest.mark.parametrize("phases", list(RUNS))
async def test_no_generated_request_breaks_the_api(stack: Stack, admin: bool, phases: str) -> None:
    token = Tenant().headers(admin=admin)["Authorization"]
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{stack.gateway}/openapi.json",
        "--header", f"Authorization: {token}",
        "--checks", CHECKS,
        "--phases", phases,
        "--mode", RUNS[phases],
        "--max-examples", "15",
        "--seed", "20261124",
        "--generation-deterministic",
    ]  # fmt: skip
    result = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
