#!/usr/bin/env bash
# Installs the Debian packages Ordo needs to build, test and benchmark — only the missing
# ones, so a second run installs nothing and returns at once. Usage: tools/deps.sh [build|test|bench]
set -euo pipefail
need=(g++ cmake ninja-build ccache pkg-config
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      libsqlite3-dev libpq-dev libsodium-dev libssl-dev libspdlog-dev libcli11-dev
      libtomlplusplus-dev libhowardhinnant-date-dev tzdata libgtest-dev libgmock-dev libbenchmark-dev
      libldap-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libmagic-dev)
case "${1:-build}" in
  test)  need+=(postgresql sqlite3 python3 curl slapd ldap-utils chromium) ;;
  bench) need+=(postgresql sqlite3 wrk curl python3) ;;
esac
# The web UI is built with Node.js and npm. A machine may already have them from another
# source (NodeSource's nodejs bundles npm, and Debian's npm package would conflict with it),
# so the Debian packages are only asked for when the commands are missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need+=(nodejs npm)
fi
# `make -j` can start two targets that each run this script; apt-get takes a lock and fails
# the second at once. Serialise on our own lock (flock, util-linux: always present) and then
# look again at what is missing, so the second run sees the first one's installs.
if [ -z "${ORDO_DEPS_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  lock="${TMPDIR:-/tmp}/ordo-deps.lock"
  exec env ORDO_DEPS_LOCKED=1 flock "$lock" "$0" "$@"
fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ordo: installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
