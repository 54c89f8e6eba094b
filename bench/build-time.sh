#!/usr/bin/env bash
# Build time of the shipped dossier, and of the generated 10,000-page dossier against
# Hugo on the same content, measured in the same run with hyperfine.
# usage: bench/build-time.sh        (needs hyperfine and hugo: apt-get install hyperfine hugo)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d /tmp/dossier-build-bench.XXXX)
trap 'rm -rf "$work"' EXIT
bin=$PWD/target/release/dossier
echo "== shipped dossier: dossier build (full build, written to disk)"
hyperfine --warmup 3 --runs 30 -N "$bin build --quiet --output $work/shipped-out"
echo "== generated dossier (10,007 pages): dossier build vs hugo"
python3 bench/gen-dossier.py "$work/gen"
hyperfine --warmup 1 --runs 5 \
  -n "dossier build" "$bin build --quiet --root $work/gen/dossier --output $work/gen/dossier-out" \
  -n "dossier check (no writing)" "$bin check --quiet --root $work/gen/dossier" \
  -n "hugo" "hugo --quiet --source $work/gen/hugo --destination $work/gen/hugo-out"
