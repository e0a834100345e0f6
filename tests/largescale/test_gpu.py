"""The optional GPU path (CuPy): same answers as the CPU, and a clear error where it cannot run.

The agreement tests need CuPy and a CUDA device and skip elsewhere (CI has none); they were run
on an NVIDIA H200 through the device tool (docs/benchmarks-optimal.md). The error test runs
everywhere else.
"""

from __future__ import annotations

import numpy as np
import pytest

from cooplan.planning.largescale import (
    DeviceUnavailableError,
    SolveStatus,
    gpu_available,
    solve_large,
)
from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.problem import Objective, planning_lp
from cooplan.synthetic import synthetic_snapshot

needs_gpu = pytest.mark.skipif(not gpu_available(), reason="needs CuPy and a CUDA device")


@pytest.mark.skipif(gpu_available(), reason="a GPU is present here")
def test_gpu_without_a_device_is_a_clear_error() -> None:
    s = synthetic_snapshot(50, seed=1)
    with pytest.raises(DeviceUnavailableError, match="device='gpu'"):
        solve_large(s, "min-labour", device="gpu")


def test_unknown_device_is_rejected() -> None:
    s = synthetic_snapshot(50, seed=1)
    with pytest.raises(ValueError, match="tpu"):
        solve_large(s, "min-labour", device="tpu")


@needs_gpu
def test_gpu_solves_match_the_cpu() -> None:
    s = synthetic_snapshot(3000, techniques=2, inputs_per_process=10, seed=4)
    lp = planning_lp(s, Objective.MIN_LABOUR)
    cpu = LeontiefCore(lp.inputs, lp.main_row)
    gpu = LeontiefCore(lp.inputs, lp.main_row, device="gpu")
    v_cpu, policy_cpu, _ = cpu.values(lp.labour)
    v_gpu, policy_gpu, _ = gpu.values(lp.labour)
    assert np.array_equal(policy_cpu, policy_gpu)
    assert np.allclose(v_gpu, v_cpu, rtol=1e-10, atol=0.0)
    x_cpu = cpu.plan(policy_cpu, lp.demand)
    x_gpu = gpu.plan(policy_gpu, lp.demand)
    assert np.allclose(x_gpu, x_cpu, rtol=1e-10, atol=0.0)


@needs_gpu
@pytest.mark.parametrize("objective", ["min-labour", "fulfilment"])
def test_gpu_plan_is_certified_and_equals_the_cpu_plan(objective: str) -> None:
    s = synthetic_snapshot(
        2000, capacity_share=0.01, n_resources=3, tight_share=0.05, floor_share=0.3, seed=9
    )
    cpu = solve_large(s, objective)  # type: ignore[arg-type]
    gpu = solve_large(s, objective, device="gpu")  # type: ignore[arg-type]
    for sol in (cpu, gpu):
        assert sol.status == SolveStatus.OPTIMAL and sol.certified
    assert cpu.objective is not None and gpu.objective is not None
    assert abs(gpu.objective - cpu.objective) <= 1e-6 * abs(cpu.objective)
