"""The service catalog in the core: `[services.<name>]` tables and Backstage entities as
entries (errors name file, entity and field), and which service a tool's name means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hindsight.core.catalog import (
    ServiceEntry,
    build_index,
    entries_from_backstage,
    entries_from_table,
)
from hindsight.core.catalog.names import resolve
from hindsight.core.errors import ConfigError

FILES = Path(__file__).parent / "files"


def _docs(name: str) -> list[Any]:
    return list(yaml.safe_load_all((FILES / name).read_text()))


def _means(entries: list[ServiceEntry], name: str) -> str | None:
    return resolve(name, build_index(entries))


def test_backstage_components_with_their_annotations() -> None:
    [checkout] = entries_from_backstage(_docs("catalog-info.yaml"), origin="catalog-info.yaml")
    assert checkout.name == "checkout-api" and checkout.title == "Checkout API"
    assert checkout.owner == "group:payments-team"
    assert checkout.pagerduty_ids == ("PCHK001",)
    assert checkout.github_repositories == ("acme/checkout",)
    assert checkout.opsgenie_tags == ("service:checkout",)
    assert checkout.opsgenie_teams == ("payments-oncall",)
    assert checkout.grafana_labels == (("service", "checkout-api"),)
    [proxy] = entries_from_backstage(_docs("db-proxy.yaml"), origin="db-proxy.yaml")
    assert proxy.opsgenie_tags == ("pgbouncer", "db-proxy")
    assert proxy.gitlab_projects == ("platform/db-proxy",)
    assert proxy.grafana_labels == (("app", "pgbouncer"), ("env", "prod"))


def test_every_tool_name_means_the_one_service() -> None:
    entries = entries_from_backstage(_docs("catalog-info.yaml"), origin="c.yaml")
    entries += entries_from_table(
        {"search": {"pagerduty": {"service_name": "Search (prod)"}, "aliases": ["finder"]}},
        origin="hindsight.toml",
    )
    for name in ("checkout-api", "PCHK001", "Checkout API", "Checkout API (prod)", "checkout"):
        assert _means(entries, name) == "checkout-api", name
    assert _means(entries, "SEARCH (PROD)") == "search"
    assert _means(entries, "Finder") == "search"
    assert _means(entries, "payments") is None  # a System is not a service
    assert _means(entries, "env") is None and _means(entries, "prod") is None


def test_a_toml_table_in_error_names_the_file_the_entity_and_the_field() -> None:
    with pytest.raises(ConfigError) as bad:
        entries_from_table(
            {"checkout-api": {"pagerduty": {"service_id": 7}}}, origin="hindsight.toml"
        )
    assert bad.value.where == "hindsight.toml: services.checkout-api.pagerduty.service_id"
    with pytest.raises(ConfigError) as unknown:
        entries_from_table({"x": {"pagerdoody": {}}}, origin="h.toml")
    assert unknown.value.where == "h.toml: services.x.pagerdoody"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"apiVersion": "v1", "kind": "Component", "metadata": {"name": "a"}}, "apiVersion"),
        (
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {}},
            "metadata.name",
        ),
        (
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": "a", "annotations": {"github.com/project-slug": "norepo"}},
            },
            "metadata.annotations.github.com/project-slug",
        ),
        (
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": "a", "annotations": {"grafana/alert-label-selector": "a~b"}},
            },
            "metadata.annotations.grafana/alert-label-selector",
        ),
    ],
)
def test_a_backstage_entity_in_error_names_file_entity_and_field(
    document: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConfigError) as bad:
        entries_from_backstage([None, document], origin="c.yaml")
    assert bad.value.where is not None
    assert bad.value.where.startswith("c.yaml: ") and bad.value.where.endswith(f": {field}")


def test_two_services_claiming_one_id_is_an_error_and_a_shared_slug_matches_neither() -> None:
    a = ServiceEntry(name="a", origin="one.yaml", pagerduty_ids=("P1",))
    b = ServiceEntry(name="b", origin="two.yaml", pagerduty_ids=("P1",))
    with pytest.raises(ConfigError) as clash:
        build_index([a, b])
    assert clash.value.where == "two.yaml: b: pagerduty.service_id"
    c = ServiceEntry(name="c", origin="x", aliases=("Shop API",))
    d = ServiceEntry(name="d", origin="x", aliases=("shop_api",))
    index = build_index([c, d])
    assert resolve("Shop API", index) == "c" and resolve("shop-api", index) is None
