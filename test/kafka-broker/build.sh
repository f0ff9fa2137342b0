#!/usr/bin/env bash
# Builds the librdkafka mock-cluster test broker to test/.work/kafka-mock-cluster
# (only when missing or older than its source) and prints the binary path.
#
# Needs gcc and librdkafka-dev. When run as root (CI containers) missing ones
# are installed with apt-get; otherwise it fails with what to install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="$here/mock-cluster.c"
out_dir="$repo/test/.work"
out="$out_dir/kafka-mock-cluster"
header=/usr/include/librdkafka/rdkafka_mock.h

export DEBIAN_FRONTEND=noninteractive

log() { echo "kafka-broker/build.sh: $*" >&2; }

# ensure_package <package> <what is missing>
ensure_package() {
  local pkg="$1" what="$2"
  if [[ "$(id -u)" != 0 ]]; then
    log "$what is missing: apt-get install $pkg is needed (run: sudo apt-get install -y $pkg)"
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "$what is missing and apt-get is not available; install the '$pkg' package (Debian/Ubuntu: apt-get install $pkg)"
    exit 1
  fi
  log "$what is missing; running apt-get install -y $pkg"
  if ! apt-get install -y --no-install-recommends "$pkg" </dev/null >&2; then
    log "install failed; running apt-get update and retrying"
    apt-get update </dev/null >&2
    apt-get install -y --no-install-recommends "$pkg" </dev/null >&2
  fi
}

if [[ -x "$out" && ! "$src" -nt "$out" && ! "${BASH_SOURCE[0]}" -nt "$out" ]]; then
  echo "$out"
  exit 0
fi

command -v gcc >/dev/null 2>&1 || ensure_package gcc "gcc (C compiler)"
command -v gcc >/dev/null 2>&1 || { log "gcc still not found after install"; exit 1; }
[[ -f "$header" ]] || ensure_package librdkafka-dev "librdkafka headers ($header)"
[[ -f "$header" ]] || { log "$header still missing after install"; exit 1; }

mkdir -p "$out_dir"
# Build to a temp file and rename: parallel jest workers may build at once.
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
gcc -std=c11 -O2 -g -Wall -Wextra -Werror -o "$tmp" "$src" -lrdkafka >&2
mv -f "$tmp" "$out"
trap - EXIT
echo "$out"
