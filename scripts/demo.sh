#!/usr/bin/env bash
# Set up, then produce every example child's plan from the bundled authority export.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ehcp-kit batch examples/authority_export.xlsx --out out/examples --jobs 2
echo
echo "Done. Open out/examples/summary.csv, then any child's folder in out/examples/:"
echo "plan.html (open in a browser), plan.docx (Word) and plan.ipynb (the audit record)."
