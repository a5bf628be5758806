#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Accord needs, only those that are missing.
#   scripts/install-system.sh          runtime: Python venv, Node.js/npm, WeasyPrint's libraries, fonts
#   scripts/install-system.sh --test   also PostgreSQL server binaries and Chromium for the tests
set -euo pipefail

want=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || want+=("$1"); }

command -v python3 >/dev/null || want+=(python3)
python3 -m venv --help >/dev/null 2>&1 && python3 -c "import ensurepip" 2>/dev/null || want+=(python3-venv)
command -v npm >/dev/null || want+=(nodejs npm)
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core; do
  need_pkg "$pkg"
done

if [[ "${1:-}" == "--test" ]]; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || want+=(postgresql)
  command -v chromium >/dev/null || want+=(chromium)
fi

if [[ ${#want[@]} -eq 0 ]]; then
  exit 0
fi
echo "Installing system packages: ${want[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
