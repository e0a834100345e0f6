"""Shared fixtures: paths to the bundled examples and to ../shared (skip when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# In CI every property test draws the same examples on every run (no flaky exploration);
# locally hypothesis explores anew each time and remembers failures in .hypothesis/.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

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
