"""Shared fixtures: paths to the bundled examples and to ../shared (skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder of test material; the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): published runs and real tables not here")
    return SHARED


@pytest.fixture
def federation_dir() -> Path:
    """The bundled sample federation."""
    return EXAMPLES / "federation"
