#!/usr/bin/env bash
# Screenshots of every page type of the shipped dossier at 1366 and 390 px (full
# page, plus the first screen), and a PDF of the article as Chromium prints it,
# for a reviewer to look at. Also prints the theme's measurements as JSON
# (characters per line, where the article starts on a phone, tap targets).
# usage: bench/screenshots.sh [OUT]   (default OUT: target/screenshots)
# needs: chromium, and npm install --prefix tests/browser
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/screenshots}
site=$(mktemp -d /tmp/dossier-screens.XXXX)
trap 'rm -rf "$site"' EXIT
cargo build --quiet
./target/debug/dossier build --quiet --output "$site/public"
mkdir -p "$out"
node tests/browser/theme.cjs "$site/public" "$out" | tee "$out/measurements.json"
"${CHROMIUM:-chromium}" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
  --print-to-pdf="$out/article-print.pdf" "file://$site/public/articles/defectors/index.html" 2>/dev/null
echo "screenshots and article-print.pdf in $out"
