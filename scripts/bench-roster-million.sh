#!/usr/bin/env bash
# `invite-desk roster check` on a 1,000,000-row list (five columns, about 62 MB) against Python's
# csv module merely reading the same file, in the same run, alternating, several rounds; prints the
# median wall time and the peak memory of each. Figures go to docs/benchmarks.md.
#
#   ./scripts/bench-roster-million.sh            # 5 rounds
#   ROUNDS=9 ./scripts/bench-roster-million.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/invite-desk-target}"
rounds="${ROUNDS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --release -p invite-desk
cli="$CARGO_TARGET_DIR/release/invite-desk"

python3 - "$work/people.csv" <<'PY'
import sys
with open(sys.argv[1], "w", newline="") as f:
    f.write("email,first name,last name,roles,department\n")
    for i in range(1_000_000):
        f.write(f"person{i:07d}@example.com,Given{i % 997},Family{i},viewer,Dept {i % 50}\n")
PY
cat > "$work/read.py" <<'PY'
import csv, sys
rows = 0
with open(sys.argv[1], newline="") as f:
    for row in csv.reader(f):
        rows += 1
PY
size=$(stat -c %s "$work/people.csv")
echo "list: 1,000,000 rows + header, $((size / 1000000)) MB"

# Wall seconds and peak RSS (MiB) of one command, from GNU time.
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null
    awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$work/time"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$work/python" ; : > "$work/check" ; : > "$work/json"
for _ in $(seq "$rounds"); do
    measure python3 "$work/read.py" "$work/people.csv" >> "$work/python"
    measure "$cli" roster check "$work/people.csv" >> "$work/check"
    measure "$cli" roster check --json "$work/people.csv" >> "$work/json"
done
report() {
    local name=$1 file=$2
    printf '%-42s median %6ss  (runs: %s)  peak %s MiB\n' "$name" \
        "$(cut -d' ' -f1 "$file" | median)" "$(cut -d' ' -f1 "$file" | tr '\n' ' ' | sed 's/ $//')" \
        "$(cut -d' ' -f2 "$file" | sort -n | tail -1)"
}
report "python3 csv.reader, reading only" "$work/python"
report "invite-desk roster check" "$work/check"
report "invite-desk roster check --json (keeps everyone)" "$work/json"
