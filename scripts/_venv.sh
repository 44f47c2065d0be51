# Sourced by scripts/run and scripts/test: system packages (Debian/Ubuntu), then .venv with Keyhold.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KEYHOLD_VENV:-$ROOT/.venv}"

# Installs what scripts/system-packages.txt lists and this machine lacks, where apt and root (or
# password-less sudo) exist; elsewhere it names what is missing and goes on.
ensure_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=""
  for pkg in $(grep -v '^#' "$ROOT/scripts/system-packages.txt"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    echo "keyhold: installing system packages:$missing"
    bash "$ROOT/scripts/install-system-deps"
  else
    echo "keyhold: missing system packages:$missing" >&2
    echo "keyhold: install them with: sudo scripts/install-system-deps" >&2
  fi
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys, ensurepip; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "keyhold: Python 3.11 or newer with venv is needed (e.g. apt install python3 python3-venv)" >&2
  return 1
}

ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    local py
    py="$(find_python)"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.keyhold-installed-$extras"
  # Reinstall only when pyproject.toml changed: a second run starts at once.
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    if [ "$extras" = "base" ]; then
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT"
    else
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$extras]"
    fi
    touch "$stamp"
  fi
}
