#!/usr/bin/env bash
# How long `make setup` and `make check` take on this machine (goals: setup within 90 s, check within 30 s warm).
#
#   scripts/benchmark.sh [RUNS]     RUNS timed warm `make check` runs (default 3)
#
# Works on a copy of the project's files in a temporary folder, so your .venv and caches are left alone:
# `make setup` there starts from no venvs and an empty uv cache (every package downloaded), then `make check`
# runs once to warm Python's bytecode caches and RUNS more times, timed. Each line gives the wall-clock time and
# the CPU time (user + system, all processes); the load average shows whether other work shared the machine.
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${1:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/benchmark.sh [RUNS]   (RUNS: a whole number, 1 or more)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/benchmark.XXXXXX")"
trap 'rm -rf "$work"' EXIT
project="$work/project"
mkdir "$project"
# The project's own files only: no venvs, caches or build output.
tar --exclude=./.venv --exclude=./.venv-checkov --exclude=./dist --exclude=./.aws-sam --exclude=./.git \
  --exclude='*/__pycache__' --exclude=./.pytest_cache --exclude=./.ruff_cache -cf - . | tar -xf - -C "$project"

TIMEFORMAT='%R %U %S'
measure() {
  local label=$1 log=$2 timing
  shift 2
  if ! timing="$({ time "$@" >"$log" 2>&1; } 2>&1)"; then
    echo "error: $label failed; its output:" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  read -r wall user sys <<<"$timing"
  printf '%-38s %7.1f s wall %7.1f s CPU   (load average %s)\n' "$label" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*averages*: //')"
}

export UV_CACHE_DIR="$work/uv-cache"
echo "benchmark of $(basename "$PWD") in $project, $(getconf _NPROCESSORS_ONLN) CPUs"
measure "make setup (no venvs, empty cache)" "$work/setup.log" make -C "$project" --no-print-directory setup
measure "make check (first run, cold caches)" "$work/check.log" make -C "$project" --no-print-directory check
for run in $(seq 1 "$runs"); do
  measure "make check (warm, run $run of $runs)" "$work/check.log" make -C "$project" --no-print-directory check
done
