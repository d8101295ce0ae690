#!/usr/bin/env bash
# Set up everything ehcp-kit needs, on a fresh Debian machine with Python 3.11:
# Debian packages (venv, Chromium for the browser tests, the libraries and fonts WeasyPrint
# needs for PDF, poppler for reading PDFs back), ./.venv with the package and all its
# extras, and the JavaScript the tests and the handbook bundle (node_modules/).
# Safe to run again: it only installs what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-$(command -v python3.11 || command -v python3)}

# Debian packages, by a file each provides, so a second run asks apt for nothing.
declare -A wanted=(
    [python3-venv]=""                     # checked below with ensurepip
    [chromium]=/usr/bin/chromium
    [libpango-1.0-0]=/usr/lib/x86_64-linux-gnu/libpango-1.0.so.0
    [libpangoft2-1.0-0]=/usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
    [fonts-noto-core]=/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
    [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    [poppler-utils]=/usr/bin/pdftotext
)
# LibreOffice lays out the Word document for the handbook's picture of it
# (scripts/render_previews.py) and for nothing else, so it is installed only on request:
# `EHCP_KIT_PREVIEWS=1 bash scripts/setup.sh`. The tests never need it.
if [ "${EHCP_KIT_PREVIEWS:-}" = 1 ]; then
    wanted[libreoffice-writer-nogui]=/usr/bin/soffice
fi
# npm installs the bundled JavaScript (below); Debian's npm brings Node.js with it.
if ! command -v npm >/dev/null 2>&1; then
    wanted[npm]=/usr/bin/npm
fi
missing=()
for package in "${!wanted[@]}"; do
    marker=${wanted[$package]}
    if [ "$package" = python3-venv ]; then
        "$python" -c "import ensurepip, venv" 2>/dev/null || missing+=("$package")
    elif [ ! -e "$marker" ] && ! dpkg -s "$package" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        echo "setup: please install these Debian packages first: ${missing[*]}" >&2
        echo "       (sudo apt-get install ${missing[*]})" >&2
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
    .venv/bin/python -m pip install -q -e '.[dev]'
    touch "$stamp"
fi

# JavaScript bundled with the tests and the handbook (axe-core, the widget embedder),
# from the npm registry, pinned by package-lock.json.
if [ -f package.json ]; then
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
        npm ci --no-audit --no-fund --loglevel=error
        touch node_modules
    fi
fi
