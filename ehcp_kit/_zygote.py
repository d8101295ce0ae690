"""A kernel "zygote": one warm process that forks a brand-new kernel process per child.

Starting a Python kernel costs most of a second, nearly all of it importing IPython,
ipykernel and the notebook's own libraries. The zygote pays that once: it imports them,
then waits. For each child it forks a new process, which becomes that child's kernel and
nothing else. The fork shares no state with any other child's kernel: it is a copy of
the zygote as it was before any child ran, and the zygote itself never runs a notebook.

The zygote must stay single-threaded and must never open a ZeroMQ context or an event
loop, since a fork copies only the calling thread. It speaks one JSON object per line:
a request on standard input, ``{"argv": [...], "cwd": "..."}``, and a reply on standard
output, ``{"pid": 1234}`` or ``{"error": "..."}``. When its standard input closes (the
batch worker that owns it has gone) it kills every kernel it forked and exits.

Run as ``python -m ehcp_kit._zygote MODULE ...``, naming the modules to import ahead;
``MODULE:FUNCTION`` also calls a function of the module, with no arguments.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys

__all__ = ["main"]

_PR_SET_PDEATHSIG = 1

# What a kernel imports while it starts, measured with ipykernel 7: loading them here
# takes that time off every child's start.
KERNEL_MODULES = [
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "ipykernel.comm",
    "ipykernel.eventloops",
    "IPython.core.history",
    "IPython.core.debugger",
    "pdb",
    "sqlite3",
    "tornado.queues",
    "tornado.platform.asyncio",
]


def main(argv: list[str]) -> int:
    """Import ``argv``'s modules, then fork one kernel per request until input closes.

    ``--sockets=FOLDER`` first names the folder of the kernels' IPC sockets, which the
    zygote removes as it exits, so that none is left even when its worker was killed.
    """
    sockets = None
    if argv and argv[0].startswith("--sockets="):
        sockets = argv.pop(0).removeprefix("--sockets=")
    owner = os.getppid()
    _die_with_parent(signal.SIGTERM, owner)
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    _quiet_standard_output()

    # Import ahead what every kernel will need; a module that fails to import is left
    # for the kernel to fail on, where the notebook shows the error.
    # debugpy, which ipykernel loads, warns on every start unless told not to check.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # A "module:function" is imported and then called, to get something ready.
    for name in [*KERNEL_MODULES, *argv]:
        module, _, function = name.partition(":")
        try:
            loaded = importlib.import_module(module)
            if function:
                getattr(loaded, function)()
        except Exception:  # noqa: BLE001, S112 - the notebook reports it in its own cell
            continue

    kernels: set[int] = set()
    signal.signal(signal.SIGCHLD, lambda *_: _reap(kernels))
    signal.signal(signal.SIGTERM, lambda *_: _stop(kernels, sockets))
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")

    for line in sys.stdin:
        try:
            request = json.loads(line)
            pid = _fork_kernel(request["argv"], request["cwd"], replies.fileno())
        except Exception as error:  # noqa: BLE001 - the worker decides whether to retry
            replies.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
            continue
        kernels.add(pid)
        replies.write(json.dumps({"pid": pid}) + "\n")
    _stop(kernels, sockets)
    return 0


def _fork_kernel(argv: list[str], cwd: str, replies: int) -> int:
    """Fork a process that becomes a kernel with ``argv``; returns its process id."""
    os.stat(cwd)  # a missing folder fails here, in the zygote, with a clear reply
    owner = os.getpid()
    pid = os.fork()
    if pid:
        return pid

    # The new kernel: its own session (a Ctrl-C at the terminal is for the batch, which
    # then stops it), the child's folder, and death with the zygote.
    status = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent(signal.SIGKILL, owner)
        os.close(replies)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.close(nothing)
        os.chdir(cwd)
        os.environ["JPY_PARENT_PID"] = str(owner)

        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
        IPKernelApp.launch_instance(argv)
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 0
    finally:
        os._exit(status)


def _reap(kernels: set[int]) -> None:
    """Collect every kernel that has exited, so none is left a zombie."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        kernels.discard(pid)


def _stop(kernels: set[int], sockets: str | None = None) -> None:
    """Kill every kernel still running (each leads its own process group), then exit."""
    for pid in list(kernels):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    if sockets:
        import shutil

        shutil.rmtree(sockets, ignore_errors=True)
    os._exit(0)


def _quiet_standard_output() -> None:
    """Point standard output at nothing: replies use their own copy of it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _die_with_parent(signum: int, parent: int) -> None:
    """Ask Linux to send ``signum`` when the parent exits; exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
