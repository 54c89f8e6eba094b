#!/usr/bin/env bash
# Build time of one long article carrying 10,000 annotations (issue 27), and of the same
# article with 1,000 (so the cost per thousand shows), measured with hyperfine when installed.
# usage: bench/annotations.sh [N]      (default N = 10000; hyperfine: apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build --release --quiet
work=$(mktemp -d /tmp/dossier-annotations-bench.XXXX)
trap 'rm -rf "$work"' EXIT
bin=$PWD/target/release/dossier
python3 bench/gen-annotations.py "$work/small" --annotations $((n / 10))
python3 bench/gen-annotations.py "$work/large" --annotations "$n"
python3 bench/gen-annotations.py "$work/nested" --annotations "$n" --overlap
echo "== one article, $((n / 10)) / $n annotations / $n nested in $n enclosing ones: dossier build"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 5 \
    -n "$((n / 10)) annotations" "$bin build --quiet --root $work/small --output $work/small-out" \
    -n "$n annotations" "$bin build --quiet --root $work/large --output $work/large-out" \
    -n "$((2 * n)) nested annotations" "$bin build --quiet --root $work/nested --output $work/nested-out"
else
  for project in small large nested; do
    start=$(date +%s%N)
    "$bin" build --quiet --root "$work/$project" --output "$work/$project-out"
    echo "$project: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  done
fi
echo "== phases of the $n-annotation build"
"$bin" build --quiet --verbose --root "$work/large" --output "$work/large-out2" 2>&1 | grep -v '  wrote '
echo "== output: $(du -sh "$work/large-out/articles/transcript/index.html" | cut -f1) page, $(du -sh "$work/large-out/annotations.jsonld" | cut -f1) annotations.jsonld"
