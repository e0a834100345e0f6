"""docs/format.md shows the schema as it is (it is generated from cooplan.model.schema)."""

from __future__ import annotations

from cooplan.model.schema_doc import format_markdown
from tests.conftest import REPO


def test_format_doc_is_up_to_date() -> None:
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert format_markdown() in text, (
        "docs/format.md is stale: regenerate its tables with "
        "cooplan.model.schema_doc.format_markdown()"
    )
