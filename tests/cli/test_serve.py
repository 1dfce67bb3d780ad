"""`hindsight serve` usage errors exit 2 like every other command, on IPv4 and IPv6 alike:
a taken port, an address not of this machine, a name that does not resolve."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app

runner = CliRunner()


@pytest.fixture
def taken_v6() -> Iterator[int]:
    with socket.socket(socket.AF_INET6) as held:
        held.bind(("::1", 0))
        held.listen()
        yield int(held.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HINDSIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HINDSIGHT_AUTH": "none"}


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_a_taken_port_on_ipv6_loopback_is_a_usage_error(
    taken_v6: int, env: dict[str, str], host: str
) -> None:
    # Local mode is allowed here: ::1 is loopback. Only the port is in the way.
    result = runner.invoke(app, ["serve", "--host", host, "--port", str(taken_v6)], env=env)
    assert result.exit_code == 2, result.output
    assert f"cannot listen on [::1]:{taken_v6}" in result.output


@pytest.mark.parametrize(
    ("host", "words"),
    [("::2", "cannot listen on [::2]"), ("no-such-host.invalid", "cannot listen on")],
)
def test_an_address_that_is_not_ours_is_a_usage_error(
    host: str, words: str, tmp_path: Path
) -> None:
    env = {"HINDSIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    result = runner.invoke(app, ["serve", "--host", host, "--port", "0"], env=env)
    assert result.exit_code == 2, result.output
    assert words in result.output and "--host" in result.output


def test_local_mode_off_loopback_is_still_refused(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["serve", "--host", "::", "--port", "0"], env=env)
    assert result.exit_code == 2 and "HINDSIGHT_AUTH" in result.output
