#!/usr/bin/env bash
# Run benchmarks/bench_optimal.py (or the benchmark named by BENCH) on two git revisions, one
# after the other, on this machine: a change and its baseline measured side by side by one
# script.
#
#   benchmarks/bench_revisions.sh BASE HEAD --sizes 100000 --objectives fulfilment --solvers cooplan
#   BENCH=bench_load.py benchmarks/bench_revisions.sh BASE HEAD --size 100000 --folder /tmp/e
#
# Each revision is checked out into a temporary worktree and run with this checkout's
# virtual environment (its src/ first on the path); the two tables are printed one after the
# other, each headed by its revision. Arguments after the two revisions go to the benchmark
# (bench_optimal.py's --write is best left out here: the tables are for a person to compare).
# A benchmark that a revision does not have is taken from this checkout.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: $0 BASE HEAD [bench_optimal.py arguments...]" >&2
  exit 2
fi
base="$1" head="$2"
shift 2
bench="${BENCH:-bench_optimal.py}"
keep='1,$p'
[ "$bench" = bench_optimal.py ] && keep='/^Instance:/,$p'
root="$(git rev-parse --show-toplevel)"
python="$root/.venv/bin/python"
work="$(mktemp -d)"
trap 'for d in "$work"/*; do git -C "$root" worktree remove --force "$d" 2>/dev/null || true; done; rm -rf "$work"' EXIT
for rev in "$base" "$head"; do
  dir="$work/$(git -C "$root" rev-parse --short "$rev")"
  git -C "$root" worktree add --quiet --detach "$dir" "$rev"
  echo "## $(git -C "$root" log -1 --format='%h %s' "$rev")"
  script="$dir/benchmarks/$bench"
  [ -f "$script" ] || script="$root/benchmarks/$bench"
  (cd "$dir" && PYTHONPATH="$dir/src" "$python" "$script" "$@" | sed -n "$keep" | grep '^|')
done
