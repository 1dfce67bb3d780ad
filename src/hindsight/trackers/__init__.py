"""Issue trackers behind one small interface (`base.Tracker`): GitHub Issues, GitLab Issues
and Jira (Cloud and Data Center), each over an injected `httpx.Client`. `configured(settings,
client)` builds the deployment's one tracker from its settings."""

from hindsight.trackers.base import Issue, NewIssue, Tracker, TrackerError
from hindsight.trackers.factory import configured

__all__ = ["Issue", "NewIssue", "Tracker", "TrackerError", "configured"]
