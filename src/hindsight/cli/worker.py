"""`hindsight worker`: run the background jobs (outbox sending, reminders, tracker sync) from
PostgreSQL's job queue, with their periodic schedule. For deployments with HINDSIGHT_JOBS=worker;
run one or more next to `hindsight serve` (docs/deployment.md)."""

from __future__ import annotations

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.settings import load_settings


@handle_errors
def worker(
    concurrency: int = typer.Option(
        1, "--concurrency", min=1, max=32, metavar="N", help="Jobs run at the same time."
    ),
    name: str = typer.Option(
        None, "--name", metavar="NAME", help="The worker's name in the logs and the queue."
    ),
    log_level: str = typer.Option("info", "--log-level", metavar="LEVEL", help="Log level."),
) -> None:
    """Run the background jobs from the PostgreSQL job queue until stopped (SIGINT, SIGTERM)."""
    from hindsight.api.logs import configure_logging
    from hindsight.runtime.jobs import check_mode
    from hindsight.runtime.jobs.queue import run_worker

    settings = load_settings()
    check_mode(settings.model_copy(update={"jobs": "worker"}))
    configure_logging(settings.log_json, log_level, also=("hindsight.jobs", "procrastinate"))
    console.err.print("hindsight worker: running the job queue (stop with Ctrl+C)", markup=False)
    run_worker(settings, concurrency=concurrency, name=name)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
