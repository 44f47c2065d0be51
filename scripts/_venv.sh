# Sourced by scripts/run and scripts/test: makes .venv with a Python >= 3.11 and installs Keyhold into it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KEYHOLD_VENV:-$ROOT/.venv}"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "keyhold: Python 3.11 or newer is needed (install python3.11 and python3.11-venv)" >&2
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
