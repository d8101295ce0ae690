"""The plan builder as a small web app, for people who never open Jupyter.

``ehcp-kit app`` serves the plan builder notebook with Voila, which shows the form and
hides the code. The server listens on 127.0.0.1 only, so nobody else on the network can
reach it, and opens no browser: it prints the address to open. Ctrl-C stops it and the
notebook kernels it started.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from .errors import EhcpKitError, MissingDependencyError
from .forms import PLANS_DIR_VARIABLE

__all__ = ["AppError", "DEFAULT_PORT", "builder_notebook", "serve"]

logger = logging.getLogger("ehcp_kit")

DEFAULT_PORT = 8866
HOST = "127.0.0.1"


class AppError(EhcpKitError, ValueError):
    """The app cannot start as asked: a folder that is not there, a port in use."""


def builder_notebook() -> Path:
    """The plan builder notebook shipped inside the package."""
    return Path(str(files("ehcp_kit") / "notebooks" / "plan_builder.ipynb"))


def serve(
    port: int = DEFAULT_PORT,
    plans_dir: str | Path = ".",
    *,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the plan builder on ``http://127.0.0.1:PORT/`` until interrupted.

    Plans are opened from and saved to ``plans_dir``; the kernels Voila starts find it in
    the ``EHCP_KIT_PLANS_DIR`` environment variable.
    """
    folder = Path(plans_dir).resolve()
    if not folder.is_dir():
        raise AppError(f"the plans folder {str(plans_dir)!r} does not exist")
    _check_port_free(port)
    try:
        from voila.app import Voila
    except ImportError as error:
        raise MissingDependencyError(
            "the app needs Voila: pip install 'ehcp-kit[app]'"
        ) from error

    os.environ[PLANS_DIR_VARIABLE] = str(folder)
    # Voila finds the package's page template (one that loads nothing from a CDN) here.
    templates = str(files("ehcp_kit") / "templates")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [templates, os.environ.get("JUPYTER_PATH")])
    )
    app = Voila()
    app.initialize([
        str(builder_notebook()),
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={HOST}",
        "--no-browser",
        "--template=ehcp-kit",
    ])
    # Ctrl-C (and a SIGTERM) stop the server the same way, whatever the shell ignored:
    # Voila then shuts down the kernels it started.
    signal.signal(signal.SIGINT, app._handle_signal_stop)
    echo(f"Plan builder: open http://{HOST}:{port}/ in a browser on this computer.")
    echo(f"Plans are opened from and saved to {folder}. Press Ctrl-C to stop.")
    logger.info("serving the plan builder on port %d", port)
    app.start()  # returns after Ctrl-C, once Voila has shut down its kernels
    echo("Stopped.")


def _check_port_free(port: int) -> None:
    """Refuse a port already taken, so the address printed is the one served."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise AppError(f"port {port!r} on {HOST} is in use or not allowed "
                           f"({error.strerror}); choose another with --port") from error
