"""The machine a benchmark ran on, in one line (shared by the benchmark scripts)."""

from __future__ import annotations

import os
import platform
import subprocess


def describe() -> str:
    """CPU model (from lscpu where available), core count and Python version."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"
