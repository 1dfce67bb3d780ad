"""An incident's first title: service and symptom, not the raw alert string."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.events import Event, EventKind
from hindsight.core.incident import alarm_name, incident_title

AT = dt.datetime(2026, 3, 14, 14, 36, tzinfo=dt.UTC)


def _alarm(text: str, services: tuple[str, ...] = ()) -> Event:
    return Event(
        at=AT, source="alertmanager", kind=EventKind.ALERT_FIRING, key="k", text=text,
        services=services,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "services", "title"),
    [
        ("HighErrorRate (page) firing: checkout-api 5xx ratio is 12.4%", ("checkout-api",),
         "checkout-api: high error rate"),
        ("CheckoutLatencyP99 firing: p99 above 2 s", ("checkout-api",),
         "checkout-api: checkout latency p99"),
        ("Incident #4821 triggered: [FIRING:1] HighErrorRate", (), "Incident #4821"),
        ("HTTPErrors firing", ("edge",), "edge: http errors"),
    ],
)  # fmt: skip
def test_title_is_service_and_symptom(text: str, services: tuple[str, ...], title: str) -> None:
    assert incident_title(_alarm(text), services) == title


def test_the_alarms_own_services_when_the_payload_names_none() -> None:
    assert incident_title(_alarm("DiskFull firing", ("db-1",)), ()) == "db-1: disk full"
    assert alarm_name(_alarm("DiskFull firing")) == "DiskFull"
