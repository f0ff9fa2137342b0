#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need, provides the real
# parts (PostgreSQL server, Kafka-protocol broker), builds, runs jest, and ends with one line
# `N passed, N failed`. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/test/.work"
mkdir -p "$WORK"
export CI="${CI:-}"
export NX_DAEMON=false NX_NO_CLOUD=true DEBIAN_FRONTEND=noninteractive

say() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'test setup failed: %s\n' "$*" >&2; echo "0 passed, 1 failed"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
APT_UPDATED=
apt_install() {
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -q >/dev/null 2>&1 && APT_UPDATED=1; } || return 1
  as_root apt-get install -y -q "$@" >/dev/null
}

# 1. Node.js and npm packages --------------------------------------------------------------
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null \
  || fail "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))"
LOCK_HASH=$(cat package-lock.json package.json apps/cli/package.json | sha256sum | cut -c1-16)
if [ ! -f node_modules/.vigil-installed ] || [ "$(cat node_modules/.vigil-installed)" != "$LOCK_HASH" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >&2 || fail "npm ci failed"
  echo "$LOCK_HASH" > node_modules/.vigil-installed
fi

# 2. PostgreSQL -----------------------------------------------------------------------------
pg_up() { node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
  c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));' "$1"; }
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  URL=postgres://postgres@127.0.0.1:5432/postgres
  if ! pg_up "$URL"; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      say "installing PostgreSQL (apt-get install postgresql)"
      apt_install postgresql || fail "no PostgreSQL server on 127.0.0.1:5432 and cannot install one (needs root for apt-get install postgresql). Start one, or set TEST_DATABASE_URL to a server where this user may CREATE DATABASE."
      INSTALLED_PG=1
    fi
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >&2 || true
    if [ -n "${INSTALLED_PG:-}" ]; then
      # A fresh Debian cluster wants a password over TCP; give the test user one.
      as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >&2 || true
      URL=postgres://postgres:postgres@127.0.0.1:5432/postgres
    fi
    for _ in $(seq 1 30); do pg_up "$URL" && break; sleep 1; done
    pg_up "$URL" || fail "PostgreSQL did not come up on 127.0.0.1:5432. Start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start, or set TEST_DATABASE_URL."
  fi
  export TEST_DATABASE_URL="$URL"
else
  pg_up "$TEST_DATABASE_URL" || fail "TEST_DATABASE_URL does not answer"
fi

# 2b. Prometheus Alertmanager: the real sender in test/inbound/alertmanager-real.spec.ts ------
# Installed like PostgreSQL when missing and root allows; otherwise that suite fails saying how.
if [ -z "${VIGIL_TEST_ALERTMANAGER:-}" ] && [ ! -x /usr/bin/prometheus-alertmanager ]; then
  say "installing Prometheus Alertmanager (apt-get install prometheus-alertmanager)"
  apt_install --no-install-recommends prometheus-alertmanager \
    || say "cannot install prometheus-alertmanager (needs root for apt-get install prometheus-alertmanager): test/inbound/alertmanager-real.spec.ts will fail until it is installed or VIGIL_TEST_ALERTMANAGER names an alertmanager binary"
fi

# 3. Kafka-protocol broker: librdkafka's mock cluster, unless a real cluster is given -------
if [ -z "${KAFKA_BROKERS:-}" ]; then
  say "building the Kafka mock cluster (librdkafka)"
  bash test/kafka-broker/build.sh >&2 || fail "could not build the Kafka mock cluster (see above)"
fi

# 4. Build (type-checked) so CLI and process tests run the real compiled output -------------
say "building dist/"
node tools/build.mjs >&2 || fail "build failed"

# 5. Chromium for the dashboard's browser test (test/web/dashboard.browser.spec.ts, playwright-core
# drives Debian's build; never a downloaded one). Installed like PostgreSQL when missing and root
# allows; otherwise that suite fails saying so.
if [ -z "${VIGIL_TEST_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium (apt-get install chromium)"
  apt_install --no-install-recommends chromium fonts-dejavu-core \
    || say "cannot install chromium (needs root for apt-get install chromium): test/web/dashboard.browser.spec.ts will fail until it is installed or VIGIL_TEST_CHROMIUM names a Chromium binary"
fi

# 6. jest -----------------------------------------------------------------------------------
say "running jest"
RESULTS="$WORK/jest-results.json"
rm -f "$RESULTS"
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js --ci --json --outputFile="$RESULTS" "$@"
JEST_STATUS=$?
if [ ! -s "$RESULTS" ]; then echo "0 passed, 1 failed"; exit 1; fi
node -e '
  const r = require(process.argv[1]);
  // A suite that fails to load counts as a failure even though none of its tests ran.
  const broken = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  const failed = r.numFailedTests + broken;
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
  process.exit(failed > 0 || r.numPassedTests === 0 ? 1 : 0);
' "$RESULTS"
SUMMARY_STATUS=$?
[ "$JEST_STATUS" = 0 ] && [ "$SUMMARY_STATUS" = 0 ] || exit 1
