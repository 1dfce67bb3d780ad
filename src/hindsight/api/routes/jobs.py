"""/api/v1/jobs: the background jobs (services.jobs) — where they run, their schedule, how many
are in each state and the latest ones; `POST /api/v1/jobs/{task}` runs one soon (admin)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.services.auth import Role
from hindsight.services.jobs import JOBS

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses={"default": PROBLEM_SCHEMA})
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


class TaskOut(BaseModel):
    name: str
    schedule: str = Field(description="Its periodic schedule (cron, UTC; a 6th field: seconds).")


class CountOut(BaseModel):
    task: str
    state: str
    count: int


class JobOut(BaseModel):
    id: int
    task: str
    state: str = Field(description="todo, doing, succeeded, failed (the queue: also cancelled).")
    attempts: int = Field(description="Its runs finished so far (failed, or the one that did).")
    scheduled_at: dt.datetime | None
    updated_at: dt.datetime | None


class JobsOut(BaseModel):
    mode: str = Field(
        description="`inline`: run inside the server (what it ran since it started); "
        "`worker`: on PostgreSQL's job queue, run by `hindsight worker`."
    )
    tasks: list[TaskOut]
    counts: list[CountOut]
    recent: list[JobOut]


@router.get("/jobs", response_model=JobsOut, summary="The background jobs and their state")
def list_jobs(request: Request, _: Viewer) -> JobsOut:
    context = get_context(request)
    runner = context.jobs
    return JobsOut(
        mode=runner.mode,
        tasks=[TaskOut(name=j.name, schedule=j.cron(context.settings)) for j in JOBS.values()],
        counts=[
            CountOut(task=task, state=state, count=n)
            for (task, state), n in sorted(runner.counts().items())
        ],
        recent=[
            JobOut(
                id=j.id,
                task=j.task,
                state=j.state,
                attempts=j.attempts,
                scheduled_at=j.scheduled_at,
                updated_at=j.updated_at,
            )
            for j in runner.recent(50)
        ],
    )


@router.post(
    "/jobs/{task}", status_code=202, summary="Run a background job soon", response_class=Response
)
def run_job(task: str, request: Request, _: Admin) -> Response:
    if task not in JOBS:
        raise Problem(404, f"no job {task!r}", fix=f"one of: {', '.join(JOBS)}", code="not-found")
    get_context(request).jobs.poke(task)
    return Response(status_code=202)
