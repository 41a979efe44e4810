#!/bin/sh
# Times `scaffold new` on a kind whose one template holds SIZE KiB of lines with an expression each, in one of
# several shapes: at the top level (`lines`), inside one `if` block (`if`), one raw block (`raw`), one `each`
# (`each`), one `with` (`with`), or the two branches of an `if … else` (`else`), for doubling sizes. A time that
# doubles with the size is linear; one that quadruples is quadratic. A body that cannot be cut into pieces is
# refused above the engine's bound (`MAX_PIECE`), which the script prints as `refused`.
# Usage: benches/large-template.sh [path/to/scaffold] [sizes in KiB...]
set -eu
bin=${1:-target/release/scaffold}
shift || true
sizes=${*:-64 128 256 512}
shapes=${SHAPES:-lines if raw each with else}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kinds/big/files"
cat > "$work/kinds/big/template.toml" <<'TOML'
kind = "big"
description = "One large template."
when_to_use = "Timing the template compiler."
TOML
for kib in $sizes; do
    for shape in $shapes; do
        file="$work/kinds/big/files/big.txt.hbs"
        python3 - "$kib" "$shape" > "$file" <<'PY'
import sys
kib, shape = int(sys.argv[1]), sys.argv[2]
line = "a line of ordinary text, the kind a README holds, with {{name}} in it\n"
body = line * (kib * 1024 // len(line))
half = line * (kib * 512 // len(line))
print({
    "lines": body,
    "if": "{{#if true}}\n" + body + "{{/if}}",
    "raw": "{{{{raw}}}}\n" + body + "{{{{/raw}}}}",
    "each": "{{#each this}}\n" + body.replace("{{name}}", "{{@root.name}}") + "{{/each}}",
    "with": "{{#with this}}\n" + body + "{{/with}}",
    "else": "{{#if true}}\n" + half + "{{else}}\n" + half + "{{/if}}",
}[shape], end="")
PY
        rm -rf "$work/out"
        start=$(date +%s.%N)
        if "$bin" new --templates "$work/kinds" --kind big demo -o "$work/out" --no-input --no-git \
            >/dev/null 2>"$work/err"; then
            result=ok
        elif grep -q "split it into several blocks" "$work/err"; then
            result=refused
        else
            result="failed: $(head -c 200 "$work/err")"
        fi
        end=$(date +%s.%N)
        printf '%-6s %6s KiB  %6.2f s  %s\n' "$shape" "$kib" "$(echo "$end - $start" | bc)" "$result"
    done
done
