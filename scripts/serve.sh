#!/usr/bin/env bash
# The web server and the background worker together; Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-5000}"
export PORT
trap 'trap - EXIT INT TERM; kill 0 2>/dev/null || true' EXIT INT TERM
.venv/bin/flask worker &
.venv/bin/flask run --host 127.0.0.1 --port "$PORT"
