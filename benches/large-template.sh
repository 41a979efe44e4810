#!/bin/sh
# Times `scaffold new` on a kind whose one template holds SIZE KiB of lines with an expression each, either
# inside one block (`block`) or at the top level (`lines`), for several sizes. A time that doubles with the size
# is linear; one that quadruples is quadratic (the compiler's cost when a template cannot be cut into pieces).
# Usage: benches/large-template.sh [path/to/scaffold] [sizes in KiB...]
set -eu
bin=${1:-target/release/scaffold}
shift || true
sizes=${*:-64 128 256 512}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kinds/big/files"
cat > "$work/kinds/big/template.toml" <<'TOML'
kind = "big"
description = "One large template."
when_to_use = "Timing the template compiler."
TOML
for kib in $sizes; do
    for shape in block lines; do
        file="$work/kinds/big/files/big.txt.hbs"
        python3 - "$kib" "$shape" > "$file" <<'PY'
import sys
kib, shape = int(sys.argv[1]), sys.argv[2]
line = "a line of ordinary text, the kind a README holds, with {{name}} in it\n"
body = line * (kib * 1024 // len(line))
print("{{#if true}}\n" + body + "{{/if}}" if shape == "block" else body, end="")
PY
        rm -rf "$work/out"
        start=$(date +%s.%N)
        "$bin" new --templates "$work/kinds" --kind big demo -o "$work/out" --no-input --no-git >/dev/null
        end=$(date +%s.%N)
        printf '%-12s %6s KiB  %6.2f s\n' "$shape" "$kib" "$(echo "$end - $start" | bc)"
    done
done
