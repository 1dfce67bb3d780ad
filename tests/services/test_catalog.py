"""The catalog as a use case: imported from hindsight.toml and Backstage files (all or
nothing), and every tool's name for a service correlating as one; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hindsight.core.errors import ConfigError
from hindsight.samples import sample_evidence
from hindsight.services.catalog import catalog_view, import_catalog, read_catalog_files
from hindsight.services.incidents import get_incident, list_incidents
from hindsight.services.ingest import ingest
from hindsight.store.unit_of_work import UnitOfWork

FILES = Path(__file__).parents[1] / "core" / "catalog" / "files"
EVIDENCE = {path: (source, data) for source, path, data in sample_evidence()}
TOML = """
[services.checkout-api]
title = "Checkout API"
pagerduty = { service_name = "Checkout API (prod)" }
alertmanager = { labels = { service = "checkout-api" } }
"""


def _load(uow: UnitOfWork, *paths: Path) -> None:
    entries, files = read_catalog_files(list(paths))
    import_catalog(uow, entries, files, actor="t")


def _pagerduty_named(name: str) -> bytes:
    _, data = EVIDENCE["pagerduty/webhooks/01-triggered.json"]
    body = json.loads(data)
    body["event"]["data"]["service"]["summary"] = name
    return json.dumps(body).encode()


def _story(uow: UnitOfWork) -> None:
    source, firing = EVIDENCE["alertmanager/01-firing.json"]
    ingest(uow, source, firing, name="am.json")
    ingest(uow, "pagerduty", _pagerduty_named("Checkout API (prod)"), name="pd.json")


def test_without_a_catalog_two_names_are_two_incidents(uow: UnitOfWork) -> None:
    _story(uow)
    assert len(list_incidents(uow)) == 2


def test_alertmanager_and_pagerduty_names_for_one_service_are_one_incident(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    (tmp_path / "hindsight.toml").write_text(TOML)
    _load(uow, tmp_path / "hindsight.toml")
    _story(uow)
    [incident] = list_incidents(uow)
    assert get_incident(uow, incident.id).services == ("checkout-api",)


def test_a_pagerduty_id_from_backstage_means_the_service(uow: UnitOfWork) -> None:
    _load(uow, FILES)  # a folder: every catalog-info.yaml under it
    source, firing = EVIDENCE["alertmanager/01-firing.json"]
    ingest(uow, source, firing, name="am.json")
    ingest(uow, "pagerduty", _pagerduty_named("PCHK001"), name="pd.json")
    assert len(list_incidents(uow)) == 1


def test_unknown_names_are_kept_as_they_came_and_listed_as_unmatched(uow: UnitOfWork) -> None:
    _load(uow, FILES / "catalog-info.yaml")
    ingest(uow, "pagerduty", _pagerduty_named("Legacy Billing"), name="pd.json")
    [incident] = list_incidents(uow)
    assert incident.services == ("Legacy Billing",)
    view = catalog_view(uow)
    assert [e.name for e in view.entries] == ["checkout-api"]
    assert view.unmatched == ("Legacy Billing",)


def test_a_file_in_error_names_file_entity_and_field_and_changes_nothing(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    _load(uow, FILES / "catalog-info.yaml")
    good = tmp_path / "good.yaml"
    shutil.copy(FILES / "db-proxy.yaml", good)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: broken\n"
        "  annotations:\n    github.com/project-slug: no-slash\n"
    )
    with pytest.raises(ConfigError) as error:
        _load(uow, good, bad)
    assert error.value.where == (
        f"{bad}: Component:broken: metadata.annotations.github.com/project-slug"
    )
    assert [e.name for e in catalog_view(uow).entries] == ["checkout-api"]


def test_reimporting_a_file_replaces_what_it_declared(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "hindsight.toml"
    path.write_text(TOML + '\n[services.search]\naliases = ["finder"]\n')
    _load(uow, path, FILES / "db-proxy.yaml")
    path.write_text('[services.search]\naliases = ["finder"]\n')
    _load(uow, path)
    assert [e.name for e in catalog_view(uow).entries] == ["db-proxy", "search"]


def test_the_same_id_in_two_files_is_refused(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "hindsight.toml"
    path.write_text('[services.shop]\npagerduty = { service_id = "PCHK001" }\n')
    with pytest.raises(ConfigError, match="pchk001"):
        _load(uow, path, FILES / "catalog-info.yaml")
    assert catalog_view(uow).entries == ()
