"""The trigger table a process decides by: `[policy]` of the team's hindsight.toml (the file
`HINDSIGHT_LINT_CONFIG` names, else the nearest one above the working directory), else the
guide's table. Read once per (file, directory): a restart picks up a change."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from hindsight.config import config_at, find_config, load_policy
from hindsight.core.policy import Policy
from hindsight.settings import Settings
from hindsight.store.unit_of_work import UnitOfWork


@lru_cache(maxsize=8)
def policy_at(config: str | None, cwd: str) -> Policy:
    source = config_at(Path(config)) if config else find_config(Path(cwd))
    return load_policy(source)


def settings_policy(settings: Settings) -> Policy:
    return policy_at(settings.lint_config, os.getcwd())


def redecide(uow: UnitOfWork, incident_ids: list[int] | None = None) -> int:
    """Decide the trigger table again for these incidents (all when None), inside an open
    uow: after the policy changed. The number whose decision changed."""
    changed = 0
    ids = incident_ids if incident_ids is not None else uow.incidents.all_ids()
    for incident_id in ids:
        before = uow.incidents.get(incident_id)
        after = uow.incidents.settle(incident_id)
        if before is not None and before.policy != after.policy:
            changed += 1
    return changed
