#!/usr/bin/env bash
# Set up everything ehcp-kit needs in ./.venv, on a fresh Debian machine with Python 3.11.
# Safe to run again: it only installs what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-$(command -v python3.11 || command -v python3)}

# Debian splits venv and ensurepip into their own package.
if ! "$python" -c "import ensurepip, venv" 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -q && apt-get install -y -q python3-venv
    else
        echo "setup: install Debian's python3-venv first (sudo apt-get install python3-venv)" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi

# Reinstall only when the project's requirements changed since the last setup.
stamp=.venv/.ehcp-kit-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    touch "$stamp"
fi
