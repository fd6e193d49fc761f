#!/usr/bin/env bash
# `npm test`: every test — lint, typecheck, unit, integration (real PostgreSQL + Redis) and e2e
# (Debian's Chromium) — after installing whatever is missing. On machines without the services it
# installs them from Debian's packages (needs root, as on CI).
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  log "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Debian packages the tests use: a browser for e2e, PLINK to check the genomics library against.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v plink1.9 >/dev/null || need+=(plink1.9)
command -v plink2 >/dev/null || need+=(plink2)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

# PostgreSQL and Redis on loopback, started when they are down (commands from docs/architecture.md).
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  log "starting PostgreSQL"
  cluster_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL on 127.0.0.1:5432 must accept user postgres (trust auth on test machines)" >&2
  exit 1
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

log "lint, typecheck, build, unit + integration + e2e tests"
rm -rf .test-results
status=0
log "formatting (prettier --check)"
pnpm exec prettier --check . --log-level warn || status=1
pnpm exec turbo run lint typecheck test --output-logs=new-only --log-order=grouped --continue "$@" || status=$?
node scripts/test-summary.mjs || status=1
exit "$status"
