#!/usr/bin/env bash
# Set up, then produce every example child's plan from the bundled authority export.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ehcp-kit batch examples/authority_export.xlsx --out out/examples --jobs 2 \
    --formats docx,html,pdf,my-outcomes-pdf
echo
echo "Done. Open out/examples/summary.csv and out/examples/dashboard.html, then any child's"
echo "folder in out/examples/: plan.html (open it in a browser), plan.docx (Word), plan.pdf,"
echo "my-outcomes.pdf (the child's own version) and plan.ipynb (the audit record)."
