"""The widget JavaScript for the handbook's notebook pages, from the npm package.

The training pages embed their widgets' state, and a script renders the widgets from it
in the reader's browser. The script must not come from a CDN: the handbook has to work
on a machine with no network, and a page that fetches code from elsewhere is a page
whose behaviour someone else controls. So the standalone bundle of
``@jupyter-widgets/html-manager`` (``dist/embed.js``, which needs no RequireJS) and the
icon fonts it refers to are copied from ``node_modules/`` (installed by ``npm ci`` in
``scripts/setup.sh``) into the build's ``_static/jupyter-widgets/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

PACKAGE = Path("node_modules") / "@jupyter-widgets" / "html-manager"
STATIC_FOLDER = "jupyter-widgets"
SCRIPT = f"{STATIC_FOLDER}/embed.js"
# The bundle, its licence notice, and the fonts its styles load relative to it.
_COPIED = ("embed.js", "embed.js.LICENSE.txt", "*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")


def bundle_folder(root: Path) -> Path:
    """The ``dist`` folder of the html-manager package under ``root``, or a clear error."""
    dist = root / PACKAGE / "dist"
    if not (dist / "embed.js").is_file():
        raise ConfigError(
            f"the widget JavaScript is missing: {dist / 'embed.js'} does not exist. "
            "The handbook bundles it from the npm package @jupyter-widgets/html-manager "
            "instead of loading it from a CDN; install it with `bash scripts/setup.sh` "
            "(which runs `npm ci`)."
        )
    return dist


def copy_bundle(dist: Path, static: Path) -> list[Path]:
    """Copy the bundle and its fonts into ``static/jupyter-widgets``; return what was copied."""
    target = static / STATIC_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for pattern in _COPIED:
        for source in sorted(dist.glob(pattern)):
            destination = target / source.name
            if not destination.exists() or destination.stat().st_size != source.stat().st_size:
                shutil.copy2(source, destination)
            copied.append(destination)
    return copied


def setup(app: Sphinx) -> dict[str, object]:
    root = Path(app.confdir).parent
    app.add_config_value("widget_bundle_root", str(root), "env")

    def check(_app: Sphinx, config) -> None:
        bundle_folder(Path(config.widget_bundle_root))

    def copy(app: Sphinx, exception: Exception | None) -> None:
        if exception is None and app.builder.format == "html":
            copy_bundle(bundle_folder(Path(app.config.widget_bundle_root)),
                        Path(app.outdir) / "_static")

    app.connect("config-inited", check)
    app.connect("build-finished", copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
