"""Load benchmark of the federation platform over loopback HTTP.

For each database (SQLite file; PostgreSQL on 127.0.0.1:5432 when reachable) a uvicorn server
runs in a child process (one worker) and an asyncio client sends a bounded number of requests
at a fixed concurrency for three operations, side by side:

* ``me`` (baseline): the cheapest authenticated request (token lookup only);
* ``coop_plan``: a member reads their coop's part of the latest plan;
* ``vote``: members vote (and re-vote) on an open proposal.

It prints requests per second and p50/p99 latency, and with ``--write`` puts a Markdown table
into docs/benchmarks-platform.md. Bounded in count (``--requests``) and time (``--budget-s``);
traffic goes to 127.0.0.1 only.

    .venv/bin/python benchmarks/bench_platform_load.py --requests 600 --concurrency 16 --write
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from cooplan.api.server import free_port
from cooplan.institutions.voting import Method
from cooplan.services import accounts
from cooplan.services.federation import import_economy, read_folder
from cooplan.services.runs import execute_plan_run, start_plan_run
from cooplan.services.votes import create_proposal
from cooplan.store.db import open_database
from cooplan.store.enums import BodyName, Role
from cooplan.store.migrate import upgrade_database

REPO = Path(__file__).resolve().parents[1]
FEDERATION = REPO / "examples" / "federation"
DOC = REPO / "docs" / "benchmarks-platform.md"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COOP = "ulma_components"
MEMBERS = 50


@dataclass(frozen=True)
class Measure:
    """Throughput and latency of one operation on one database."""

    database: str
    operation: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def seed(url: str) -> tuple[list[str], int]:
    """Migrate, import the sample, create members with tokens, a plan and an open proposal."""
    upgrade_database(url)
    db = open_database(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    tokens = []
    try:
        with db.session() as session:
            record = import_economy(session, read_folder(FEDERATION), actor=None, bootstrap=True)
            for i in range(MEMBERS):
                account = accounts.create_account(
                    session,
                    hasher,
                    username=f"member{i:03d}",
                    password="member password",
                    coop_id=COOP,
                    roles=[Role.MEMBER],
                    bootstrap=True,
                )
                tokens.append(accounts.issue_token(session, account))
            run = start_plan_run(session, actor=None, economy_id=record.id, bootstrap=True)
            proposal = create_proposal(
                session,
                actor=None,
                title="Benchmark",
                question="Shall we?",
                body=BodyName.ASSEMBLY,
                coop_id=COOP,
                method=Method.SIMPLE_MAJORITY,
                bootstrap=True,
            )
            run_id, proposal_id = run.id, proposal.id
        execute_plan_run(db, run_id)
    finally:
        db.dispose()
    return tokens, proposal_id


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """A uvicorn child process serving the app on a free loopback port."""
    port = free_port()
    env = {**os.environ, "COOPLAN_DATABASE_URL": url, "COOPLAN_SECRET_KEY": "bench"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "cooplan.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


async def hammer(
    base: str,
    count: int,
    concurrency: int,
    budget_s: float,
    request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
) -> tuple[list[float], int, float]:
    """Send ``count`` requests, ``concurrency`` at a time, stopping after ``budget_s``."""
    latencies: list[float] = []
    errors = 0
    next_index = 0
    started = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker() -> None:
            nonlocal next_index, errors
            while next_index < count and time.perf_counter() - started < budget_s:
                index = next_index
                next_index += 1
                t0 = time.perf_counter()
                response = await request(client, index)
                latencies.append(time.perf_counter() - t0)
                if response.status_code >= 400:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def measure(label: str, url: str, count: int, concurrency: int, budget_s: float) -> list[Measure]:
    tokens, proposal_id = seed(url)
    process, base = start_server(url)
    rng = random.Random(0)

    def auth(i: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}

    operations: dict[str, Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]] = {
        "me (baseline)": lambda c, i: c.get("/api/me", headers=auth(i)),
        "coop_plan": lambda c, i: c.get(f"/api/coops/{COOP}/plan", headers=auth(i)),
        "vote": lambda c, i: c.post(
            f"/api/proposals/{proposal_id}/votes",
            json={"choice": rng.choice(["yes", "no", "abstain"])},
            headers=auth(i),
        ),
    }
    results = []
    try:
        for name, request in operations.items():
            asyncio.run(hammer(base, min(50, count), concurrency, budget_s, request))  # warm-up
            latencies, errors, seconds = asyncio.run(
                hammer(base, count, concurrency, budget_s, request)
            )
            cuts = statistics.quantiles(latencies, n=100)
            results.append(
                Measure(
                    label, name, len(latencies), errors, seconds, cuts[49] * 1000, cuts[98] * 1000
                )
            )
            print(
                f"{label:10s} {name:14s} {results[-1].rps:8.1f} req/s  "
                f"p50 {results[-1].p50_ms:7.1f} ms  p99 {results[-1].p99_ms:7.1f} ms  "
                f"errors {errors}"
            )
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def postgres_url() -> tuple[str, Callable[[], None]] | None:
    """A fresh schema in the PostgreSQL test database, and how to drop it; None if absent."""
    try:
        admin = create_engine(PG, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        schema = f"cooplan_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG}?options=-csearch_path%3D{schema}", drop


def machine() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in lines.splitlines()
                if line.startswith("Model name")
            ),
            platform.processor(),
        )
    except (OSError, subprocess.CalledProcessError):
        model = platform.processor()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_doc(results: list[Measure], count: int, concurrency: int) -> None:
    lines = [
        "# Platform load benchmark",
        "",
        "Produced by `benchmarks/bench_platform_load.py` "
        f"(`--requests {count} --concurrency {concurrency}`).",
        f"Machine: {machine()}. Server: one uvicorn worker in a child process; client: httpx "
        "(asyncio) in the benchmark process, over 127.0.0.1. The client shares the 2 cores "
        "with the server, so these are lower bounds. Load average (1 min) when the run ended: "
        f"{os.getloadavg()[0]:.1f} — other jobs on the same 2 cores slow it down.",
        "",
        "`me (baseline)` is the cheapest authenticated request (a token lookup), the floor "
        "against which the other two are read. `coop_plan` reads a member's coop plan "
        "(the stored plan JSON of the latest run, cut to the coop). `vote` appends a ballot and "
        "moves the member's effective ballot in one transaction (50 members re-voting).",
        "",
        "| database | operation | requests | errors | req/s | p50 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.operation} | {r.requests} | {r.errors} | {r.rps:.1f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} |"
        )
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per operation")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--budget-s", type=float, default=60.0, help="time cap per operation")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-platform.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="cooplan-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        results += measure("sqlite", url, args.requests, args.concurrency, args.budget_s)
    pg = postgres_url()
    if pg is None:
        print("PostgreSQL not reachable on 127.0.0.1:5432: skipped")
    else:
        url, drop = pg
        try:
            results += measure("postgresql", url, args.requests, args.concurrency, args.budget_s)
        finally:
            drop()
    if args.write:
        write_doc(results, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
