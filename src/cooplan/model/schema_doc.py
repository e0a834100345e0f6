"""Render the economy-folder format as Markdown, from the schema (the one description)."""

from __future__ import annotations

from cooplan.model.schema import META_FIELDS, TABLES, Column

BEGIN = "<!-- generated from cooplan.model.schema: begin -->"
END = "<!-- generated from cooplan.model.schema: end -->"


def _cell(column: Column) -> list[str]:
    status = "required" if column.required else "optional"
    if column.nullable:
        status += (
            f", empty = {column.default!r}" if column.default is not None else ", may be empty"
        )
    kind = column.type.value
    if column.choices:
        kind += " (" + " / ".join(column.choices) + ")"
    return [f"`{column.name}`", kind, column.unit or "", status, column.meaning]


def format_markdown() -> str:
    """The generated part of docs/format.md: economy.toml keys, then one table per file."""
    lines = [BEGIN, "", "### `economy.toml`", "", "| key | meaning | default |", "|---|---|---|"]
    lines += [f"| `{name}` | {meaning} | {default} |" for name, meaning, default in META_FIELDS]
    for table in TABLES:
        need = "required" if table.required else "optional"
        lines += ["", f"### `{table.name}.csv` ({need})", "", table.meaning, ""]
        if table.key:
            lines += [f"Each {' + '.join(table.key)} appears once.", ""]
        lines += ["| column | type | unit | status | meaning |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(c)) + " |" for c in table.columns]
    lines += ["", END]
    return "\n".join(lines) + "\n"
