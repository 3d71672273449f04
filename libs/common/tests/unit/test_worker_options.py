"""The worker's command line: what it runs, and the filters it refuses."""

import pytest

from common.settings import ServiceSettings
from common.worker import NO_CONSUMERS, configure


def test_flags_override_the_environment() -> None:
    settings = configure(
        ServiceSettings(worker_group="from-env"),
        ["--consumers", "metrics", "--no-relay", "--group", "heavy", "--sub-programs-allow", "a,b"],
    )
    assert settings.worker_consumers == "metrics"
    assert settings.worker_relay is False
    assert settings.worker_group == "heavy"
    assert settings.worker_sub_programs_allow == "a,b"


def test_relay_only_runs_no_consumer() -> None:
    assert configure(ServiceSettings(), ["--relay-only"]).worker_consumers == NO_CONSUMERS


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--sub-programs-allow", "a"], "consumer group of its own"),
        (["--sub-programs-deny", "a"], "consumer group of its own"),
        (["--group", "g", "--sub-programs-allow", "a", "--sub-programs-deny", "b"], "not both"),
        (["--no-relay", "--relay-only"], "not allowed with"),
    ],
)
def test_unsafe_combinations_are_refused(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        configure(ServiceSettings(), argv)
    assert exit_.value.code == 2
    assert reason in capsys.readouterr().err


def test_a_filter_from_the_environment_is_checked_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        configure(ServiceSettings(worker_sub_programs_deny="a"), [])
    assert "consumer group of its own" in capsys.readouterr().err
