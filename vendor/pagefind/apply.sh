#!/usr/bin/env bash
# Makes vendor/pagefind/crate/, the Pagefind that dossier builds, from the crate as
# published on crates.io and the patch series in vendor/pagefind/patches/ (see README.md
# there). crate/ is committed, so a clone builds with a plain `cargo build`; this script is
# how it is made, and `--check` proves it was made so (CI runs it).
#
#   vendor/pagefind/apply.sh            rewrite crate/ from the published crate + patches
#   vendor/pagefind/apply.sh --check    fail if crate/ differs from what it would write
#   vendor/pagefind/apply.sh --test     run Pagefind's tests (and the patches') on crate/
#   vendor/pagefind/apply.sh --series D make D a git repository: the published crate, then
#                                       one commit per patch (to edit or rebase the series)
#
# The published crate is fetched with cargo (a throwaway project depending on exactly
# VERSION) and checked against CHECKSUM, the sha256 crates.io lists for it. The one change
# made to it before the patches: upstream's own manifest (`Cargo.toml.orig`, which the
# patches are written against, as upstream would apply them) replaces the `Cargo.toml`
# that `cargo package` normalised; the packaging leftovers `Cargo.lock` and
# `.cargo_vcs_info.json` go.
set -euo pipefail

VERSION=1.6.0
CHECKSUM=5d9345b46c57402962ba0f02e8513d69ef24e14e068073d4d06f5bfdd8c437d0

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "vendor/pagefind/apply.sh: $*" >&2
  exit 1
}

# The published .crate, from cargo's download cache (fetched first if it is not there).
published_crate() {
  local cache="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
  local found
  found="$(find_crate "$cache")"
  if [ -z "$found" ]; then
    mkdir -p "$work/fetch/src"
    printf '[package]\nname = "fetch-pagefind"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\npagefind = { version = "=%s", default-features = false }\n' \
      "$VERSION" >"$work/fetch/Cargo.toml"
    : >"$work/fetch/src/lib.rs"
    cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml" >&2 ||
      fail "could not fetch pagefind $VERSION from crates.io (cargo fetch failed above)"
    found="$(find_crate "$cache")"
  fi
  [ -n "$found" ] || fail "pagefind-$VERSION.crate with sha256 $CHECKSUM is not in $cache"
  echo "$found"
}

# The sha256 of file $1 (coreutils on Linux, shasum on macOS).
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

find_crate() {
  local file
  for file in "$1"/*/pagefind-"$VERSION".crate; do
    if [ -f "$file" ] && [ "$(sha256 "$file")" = "$CHECKSUM" ]; then
      echo "$file"
      return
    fi
  done
}

# The published crate, unpacked into $1 with upstream's manifest as Cargo.toml.
unpack() {
  local crate
  crate="$(published_crate)"
  mkdir -p "$1"
  tar -xzf "$crate" -C "$1" --strip-components=1
  mv "$1/Cargo.toml.orig" "$1/Cargo.toml"
  rm -f "$1/Cargo.lock" "$1/.cargo_vcs_info.json"
}

# $1 with the patches applied, in order; stops at the first that does not apply.
apply_series() {
  local patch
  git -C "$1" init --quiet
  for patch in "$here"/patches/*.patch; do
    git -C "$1" apply --whitespace=nowarn "$patch" ||
      fail "patches/$(basename "$patch") does not apply (see README.md: updating)"
  done
  rm -rf "$1/.git"
}

case "${1:-}" in
  "")
    unpack "$work/crate"
    apply_series "$work/crate"
    rm -rf "$here/crate"
    mv "$work/crate" "$here/crate"
    echo "vendor/pagefind/crate/: pagefind $VERSION + $(ls "$here"/patches/*.patch | wc -l) patches"
    ;;
  --check)
    unpack "$work/crate"
    apply_series "$work/crate"
    if ! diff -r "$work/crate" "$here/crate" >"$work/diff"; then
      head -n 40 "$work/diff" >&2
      fail "crate/ is not pagefind $VERSION + patches/ (above: < expected, > crate/). Edit a patch, not crate/, then run vendor/pagefind/apply.sh"
    fi
    echo "vendor/pagefind/crate/ is pagefind $VERSION + $(ls "$here"/patches/*.patch | wc -l) patches, byte for byte"
    ;;
  --test)
    # A copy of crate/ at a fixed place under target/ (so cargo rebuilds it only when it
    # changes), with dossier's Cargo.lock (so the tests build the versions dossier ships),
    # in dossier's target folder (so the dependencies both use are shared). Without
    # Pagefind's default `serve` feature, as dossier builds it (it pulls in actix-web).
    root="$(cd "$here/../.." && pwd)"
    copy="$root/target/pagefind-tests"
    rm -rf "$copy"
    mkdir -p "$copy"
    cp -Rp "$here/crate/." "$copy/"
    cp "$root/Cargo.lock" "$copy/Cargo.lock"
    cargo test --manifest-path "$copy/Cargo.toml" --target-dir "$root/target" \
      --no-default-features
    ;;
  --series)
    [ -n "${2:-}" ] || fail "--series needs a directory"
    [ ! -e "$2" ] || fail "$2 exists; give a new directory"
    unpack "$2"
    git -C "$2" init --quiet
    git -C "$2" add -A
    git -C "$2" -c user.name=pagefind -c user.email=pagefind@localhost \
      commit --quiet -m "pagefind $VERSION as published (Cargo.toml: upstream's manifest)"
    git -C "$2" -c user.name=pagefind -c user.email=pagefind@localhost \
      am --quiet --committer-date-is-author-date "$here"/patches/*.patch
    echo "$2: pagefind $VERSION, then one commit per patch; edit, then" \
      "git -C $2 format-patch --zero-commit --no-signature -o <dir> HEAD~$(ls "$here"/patches/*.patch | wc -l)"
    ;;
  *)
    fail "unknown argument $1 (none, --check, --test or --series DIR)"
    ;;
esac
