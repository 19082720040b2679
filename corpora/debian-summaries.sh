#!/usr/bin/env bash
# A summarization corpus from Debian's package descriptions: each package's long description
# (one line) → its one-line synopsis, split by source package into train, valid and test.
#
#   corpora/debian-summaries.sh [OUTPUT_DIR]     # default: corpora/debian-summaries
#
# Fetches apt's package lists for the sources configured in /etc/apt (Packages, and the
# English descriptions in Translation-en) into OUTPUT_DIR/lists, uncompressed, leaving the
# system's own lists, caches and update hooks alone; then runs `recur corpus debian`, which
# writes OUTPUT_DIR/{train,valid,test}.{description,synopsis}. Extra options for recur
# (--seed, --min-words, --valid-share, --test-share) go in RECUR_OPTIONS.
#
# Needs root for apt-get (uses sudo otherwise) and network access to the archive. The
# descriptions are written by Debian maintainers and upstream authors and ship with each
# package, under that package's terms (main: DFSG-free licences). Never committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
output=${1:-$root/corpora/debian-summaries}
mkdir -p "$output/lists/partial"
output=$(cd "$output" && pwd)
lists="$output/lists"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "error: apt-get update needs root; run this script as root or install sudo" >&2
        exit 1
    fi
fi

# The system's update hooks (cache clean-ups, PackageKit, AppStream) act on the system's
# state, not on these lists: clear them, which only a configuration file can do.
config=$(mktemp)
trap 'rm -f "$config"' EXIT
printf '#clear APT::Update::Post-Invoke;\n#clear APT::Update::Post-Invoke-Success;\n' >"$config"
chmod 644 "$config"

# Dir::State::Lists: our own lists directory (its own lock). Acquire::Languages=en: fetch the
# Translation-en files (Debian's Packages files carry only the synopsis). GzipIndexes=false:
# store the lists uncompressed, which recur reads. Empty pkgcache/srcpkgcache: build apt's
# binary caches in memory, never over the system's.
echo "Fetching apt lists into $lists…"
$sudo apt-get -c "$config" \
    -o Dir::State::Lists="$lists" \
    -o Acquire::Languages=en \
    -o Acquire::GzipIndexes=false \
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
    update

recur="$root/.build/release/recur"
if [ ! -x "$recur" ]; then
    echo "Building recur (release)…"
    make -C "$root" build
fi

# shellcheck disable=SC2086  # RECUR_OPTIONS is a list of options
"$recur" corpus debian --lists "$lists" --out "$output" ${RECUR_OPTIONS:-}

echo
echo "Lists as of:"
for release in "$lists"/*_InRelease; do
    echo "  $(basename "$release" _InRelease | sed 's/_dists_/ /; s/_/\//g'): $(sed -n 's/^Date: //p' "$release" | head -1)"
done
echo "Debian package descriptions → synopses in $output:"
wc -l "$output"/train.description "$output"/valid.description "$output"/test.description | sed 's/^/  /; s/ total$/ pairs in all/'
