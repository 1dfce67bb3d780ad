"""The built-in sample incident: evidence from every source and its finished postmortem."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def sample_postmortem() -> str:
    """The published postmortem of the sample incident (checkout-api connection-pool exhaustion)."""
    return resources.files(__package__).joinpath("postmortem.md").read_text(encoding="utf-8")


def sample_evidence() -> list[tuple[str, str, bytes]]:
    """The sample incident's evidence as (source, filename, payload bytes), in a stable order.

    Each source's payloads live under `evidence/<source>/`; the Slack workspace export, kept
    unpacked for reading, is handed out as the zip an export download would be.
    """
    import io
    import zipfile

    root = resources.files(__package__).joinpath("evidence")
    out: list[tuple[str, str, bytes]] = []

    def walk(node: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
        found: list[tuple[str, Traversable]] = []
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            path = f"{prefix}{child.name}"
            found += walk(child, path + "/") if child.is_dir() else [(path, child)]
        return found

    for source_dir in sorted(root.iterdir(), key=lambda c: c.name):
        if not source_dir.is_dir():
            continue
        source = source_dir.name
        for path, file in walk(source_dir, ""):
            if source == "slack" and path.startswith("export/"):
                continue
            out.append((source, f"{source}/{path}", file.read_bytes()))
        export = source_dir.joinpath("export")
        if source == "slack" and export.is_dir():
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, file in walk(export, ""):
                    info = zipfile.ZipInfo(path, date_time=(2026, 3, 14, 16, 0, 0))
                    archive.writestr(info, file.read_bytes())
            out.append((source, "slack/export.zip", buffer.getvalue()))
    return out
