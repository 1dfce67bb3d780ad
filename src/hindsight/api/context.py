"""What every request can reach: the settings, the engine, the clock, the metrics, the
failed-authentication limiters (webhooks and API apart), the milestone refresher, the webhook
deliveries' group-commit writer, the background jobs' runner. One `AppContext` per
`create_app`, kept on `app.state`.

`uow()` is what reads and ordinary writes use: entering it first brings every incident a
delivery marked up to date (read-your-writes for milestones). Webhook deliveries use
`delivery_uow()`, which does not wait for that."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from anyio import CapacityLimiter
from fastapi import Request

from hindsight.api.metrics import Metrics
from hindsight.api.ratelimit import FailureLimiter
from hindsight.core.policy import Policy
from hindsight.runtime.delivery_writer import DeliveryWriter
from hindsight.runtime.jobs import JobRunner, runner_for
from hindsight.runtime.milestone_refresh import MilestoneRefresher
from hindsight.services import Engine, UnitOfWork, backend
from hindsight.services.jobs import JOBS
from hindsight.services.policy import settings_policy
from hindsight.settings import Settings

Clock = Callable[[], float]  # Unix seconds
# Webhook deliveries stored at once. SQLite takes one writer at a time anyway, and every
# further thread only competes for the interpreter with the one holding the write lock,
# stretching its transaction; PostgreSQL writers do run side by side.
DELIVERY_SLOTS = {"sqlite": 2}
DEFAULT_DELIVERY_SLOTS = 16


@dataclass
class AppContext:
    settings: Settings
    clock: Clock = time.time
    metrics: Metrics = field(default_factory=Metrics)
    # Failed authentications: `limiter` for the webhooks, `api_limiter` for the API, apart.
    limiter: FailureLimiter = field(default_factory=lambda: FailureLimiter(20, 60.0))
    api_limiter: FailureLimiter = field(default_factory=lambda: FailureLimiter(20, 60.0))
    bound: Engine | None = None  # set when the app starts (or given by the caller)
    milestones: MilestoneRefresher = field(init=False)
    deliveries: DeliveryWriter = field(init=False)
    policy: Policy = field(init=False)  # the trigger table (services.policy)
    jobs: JobRunner = field(init=False)  # background jobs: in process, or deferred to a queue
    _slots: CapacityLimiter | None = field(default=None, init=False, repr=False)
    # Webhook deliveries being parsed or stored now (counted on the event loop's thread):
    # bounded by `settings.delivery_queue_depth`, past which the hooks shed with 503.
    deliveries_in_flight: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.policy = settings_policy(self.settings)
        self.jobs = runner_for(self.settings, self.delivery_uow, self.read_uow)
        self.metrics.track_jobs(self.jobs.counts, JOBS)
        self.milestones = MilestoneRefresher(self.read_uow, self.delivery_uow)
        self.deliveries = DeliveryWriter(
            self.delivery_uow,
            deferred=lambda: self.milestones.running,
            committed=self.milestones.mark,
        )

    @property
    def delivery_slots(self) -> CapacityLimiter:
        """The threads that store webhook deliveries (the rest wait their turn here)."""
        if self._slots is None:
            size = DELIVERY_SLOTS.get(backend(self.engine), DEFAULT_DELIVERY_SLOTS)
            self._slots = CapacityLimiter(size)
        return self._slots

    @property
    def engine(self) -> Engine:
        if self.bound is None:
            raise RuntimeError("the app has not started: use it inside its lifespan")
        return self.bound

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, before=self._fresh, policy=self.policy)

    def delivery_uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, policy=self.policy)

    def read_uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=True, policy=self.policy)

    def _fresh(self) -> None:
        self.milestones.flush()


def get_context(request: Request) -> AppContext:
    context = request.app.state.hindsight
    assert isinstance(context, AppContext)
    return context


def get_uow(request: Request) -> UnitOfWork:
    return get_context(request).uow()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
