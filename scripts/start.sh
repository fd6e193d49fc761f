#!/usr/bin/env bash
# `npm start`: build and start Reprotech. Without DATABASE_URL / REDIS_URL it runs the embedded
# default (PGlite under .data/, in-process cache and queue); the log says which mode runs.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

if [ -f .env ]; then set -a; source .env; set +a; fi
log "building server and web app"
pnpm exec turbo run build --filter=@reprotech/server --filter=@reprotech/web --output-logs=errors-only
# A first run is a developer's or evaluator's: development mode prints the demo sign-ins. Deployments
# set NODE_ENV=production (Secure cookies always, no demo credentials in the log).
export NODE_ENV="${NODE_ENV:-development}"
# The flags and the malloc setting are the server's start script's (apps/server/package.json;
# docs/architecture.md, memory).
export MALLOC_MMAP_THRESHOLD_=131072
exec node --max-semi-space-size=8 --heap-growing-percent=50 --expose-gc apps/server/dist/main.js
