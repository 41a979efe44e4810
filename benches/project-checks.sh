#!/usr/bin/env bash
# Measures how long a generated project's own loop takes: `make setup` from nothing, then `make check` warm
# (one untimed run first, then RUNS timed runs, median reported). A benchmark, not a test: it prints figures
# and fails only when a command fails. The goals for the k8s-platform kind are `make check` <= 30 s warm and
# `make setup` <= 90 s on a 2-core machine.
#
# Usage: benches/project-checks.sh [PRESET.toml] [RUNS]
#   PRESET  an answers file (default: templates/k8s-platform/presets/default.toml)
#   RUNS    timed `make check` runs (default: 3)
# Needs a built scaffold (cargo build) and network for `make setup` (PyPI). helm, kubectl and promtool come from
# SCAFFOLD_TOOLS_DIR (default target/tools) when they are not on PATH; the Python tools come from `make setup`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset="${1:-templates/k8s-platform/presets/default.toml}"
runs="${2:-3}"
[[ -f $preset ]] || { echo "benches/project-checks.sh: no preset file $preset" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "benches/project-checks.sh: RUNS must be a positive number" >&2; exit 2; }
scaffold=target/debug/scaffold
[[ -x $scaffold ]] || { echo "benches/project-checks.sh: build scaffold first (cargo build)" >&2; exit 2; }
tools="${SCAFFOLD_TOOLS_DIR:-$PWD/target/tools}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
project="$work/project"
"$scaffold" new --no-input --answers "$preset" -o "$project" >/dev/null
export PATH="$PATH:$tools/bin"

# Seconds (one decimal) that "$@" takes in the project; its output goes to $work/log.
timed() {
    local start end
    start="$(date +%s.%N)"
    (cd "$project" && "$@") >>"$work/log" 2>&1 || { tail -n 30 "$work/log" >&2; exit 1; }
    end="$(date +%s.%N)"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }'
}

printf 'preset %s, %s cores, load %s\n' "$preset" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'make setup (fresh .venv): %s s\n' "$(timed make setup)"
timed make check >/dev/null
figures=()
for _ in $(seq "$runs"); do
    figures+=("$(timed make check)")
done
median="$(printf '%s\n' "${figures[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
printf 'make check (warm), %s runs: %s s; median %s s\n' "$runs" "${figures[*]}" "$median"
