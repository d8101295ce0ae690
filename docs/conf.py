"""Sphinx configuration for the ehcp-kit handbook.

Build it with ``make docs``, which runs
``sphinx-build -W --keep-going -b html docs docs/_build/html``: every warning fails the
build. The rule reference and the example bank's pages are written from the code at the
start of each build (``_ext/``), and the notebooks are executed during it, so the widget
state is embedded in the pages and rendered by the bundled widget JavaScript.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import widget_bundle  # noqa: E402

import ehcp_kit  # noqa: E402

project = "ehcp-kit"
author = "the ehcp-kit contributors"
copyright = "2026, the ehcp-kit contributors"
release = version = ehcp_kit.__version__
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx_click",
    "rule_pages",
    "example_pages",
    "image_gallery",
    "widget_bundle",
]

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "**/README.md", "Thumbs.db", ".DS_Store"]

# MyST: Markdown with directives; ::: fences for admonitions.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks are executed at every build, so their output and widget state are current.
# A notebook that raises stops the build, with the traceback in the log.
nb_execution_mode = "force"
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# The widget JavaScript comes from the npm package, copied into _static by widget_bundle;
# the default would load RequireJS and the bundle from CDNs.
nb_ipywidgets_js = {widget_bundle.SCRIPT: {}}

# API reference from the docstrings.
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True}
autodoc_typehints_format = "short"

html_theme = "furo"
html_title = f"ehcp-kit {release} handbook"
html_static_path = ["_static"]
html_css_files = ["handbook.css"]
html_show_sourcelink = False
html_last_updated_fmt = None

# A stamp beside the HTML, written only after a build with no warning: the browser test
# reuses a build it finds fresher than every source instead of building again.
STAMP = ".handbook-built"


def _stamp(app, exception) -> None:
    stamp = Path(app.outdir) / STAMP
    # XXX: Sphinx has no public count of warnings; _warncount is what it reports from.
    warnings = getattr(app, "_warncount", 0)
    if exception is None and warnings == 0 and app.builder.format == "html":
        stamp.write_text(json.dumps({"release": release}) + "\n", encoding="utf-8")
    else:
        stamp.unlink(missing_ok=True)


def setup(app) -> None:
    app.connect("build-finished", _stamp, priority=900)
