"""Every shell block of the README runs as written, in order, on a fresh copy of the checkout.

The copy is the tracked and untracked-but-not-ignored files (what a clone of this working tree
would hold), in a temp folder. The first block is `make run` and `make test`: `make run` is run
for real (it builds the copy's own .venv, then serves the sample incident on a free port, which
the test reads over HTTP); `make test` is checked with `make --dry-run`, since running it here
would run this test again, and CI's `.ci/run` is `make test` itself. Every later block runs in
its own `bash -euo pipefail` with the copy's .venv activated and a temp SQLite store.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
SAMPLE_SLUG = "2026-03-14-checkout-api-high-error-rate"


def readme_blocks() -> list[str]:
    return SH_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HINDSIGHT_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    env["HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.fail("the README test needs git and make")
    return fresh_copy(tmp_path_factory.mktemp("clone"))


@pytest.fixture(scope="module")
def served(checkout: Path) -> Iterator[str]:
    """`make run` in the copy, on a free port: the first block's first line, for real."""
    assert readme_blocks()[0].lstrip().startswith("make run"), "the README must start so"
    port = free_port()
    env = {**_environment(checkout), "PORT": str(port)}
    log = (checkout / "make-run.log").open("w")
    server = subprocess.Popen(
        ["make", "run"], cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # the first run installs .venv
        while True:
            assert server.poll() is None, (checkout / "make-run.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (checkout / "make-run.log").read_text()
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.mark.slow
def test_make_run_serves_the_sample_incident_and_its_docs(served: str, checkout: Path) -> None:
    log = (checkout / "make-run.log").read_text()
    assert f"{served}/" in log  # it printed the URL
    home = httpx.get(f"{served}/", timeout=10, follow_redirects=True)
    assert home.status_code == 200 and "checkout-api: high error rate" in home.text
    page = httpx.get(f"{served}/incidents/{SAMPLE_SLUG}", timeout=10)
    assert page.status_code == 200, page.text[:500]
    docs = httpx.get(f"{served}/docs", timeout=10)
    assert docs.status_code == 200 and "swagger-ui" in docs.text


@pytest.mark.slow
def test_make_test_is_a_target_that_runs_checks_and_pytest(checkout: Path) -> None:
    assert "make test" in readme_blocks()[0]
    dry = subprocess.run(
        ["make", "--dry-run", "test"], cwd=checkout, capture_output=True, text=True, check=False
    )
    assert dry.returncode == 0, dry.stderr
    for step in ("ruff check", "mypy", "lint-imports", "pytest"):
        assert step in dry.stdout, step


@pytest.mark.slow
def test_every_later_block_runs_as_written(served: str, checkout: Path) -> None:
    blocks = readme_blocks()[1:]
    assert len(blocks) >= 5
    work = checkout / ".venv"
    assert (work / "bin" / "hindsight").is_file(), "make run installs the hindsight command"
    env = _environment(checkout)
    env["HINDSIGHT_DATABASE_URL"] = f"sqlite:///{checkout / 'readme-store.db'}"
    for number, block in enumerate(blocks, start=2):
        # The first later block activates .venv itself; the rest run in a shell that did.
        script = block if number == 2 else f". .venv/bin/activate\n{block}"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"block {number}:\n{block}\n{done.stdout}\n{done.stderr}"
        assert "internal error" not in done.stderr, done.stderr
    for written in ("evidence/slack/export.zip", "postmortems/checkout.md", "draft.md"):
        assert (checkout / written).is_file(), written
    assert "<svg" in (checkout / "roadmap.html").read_text()
    assert (checkout / "stored.md").read_text().startswith("# Postmortem:")
