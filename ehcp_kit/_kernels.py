"""Fresh kernels for children's notebooks, started cheaply and never reused.

Every child's notebook runs in a brand-new kernel process that runs nothing else, so no
value, import or setting of one child's run can reach another's. What makes that cheap:

- **A zygote** (:mod:`ehcp_kit._zygote`): one warm process per batch worker that has
  already imported IPython, ipykernel and the modules the notebook imports, and forks a
  new kernel process for each child in milliseconds. It is used for the standard
  ``python3`` kernel of this interpreter; any other kernel is started the usual way.
- **IPC sockets** instead of TCP on loopback: nothing listens on a network port, and the
  kernel has no reason to warn that its traffic is unencrypted.
- **Starting ahead of need**: :meth:`KernelSupply.prepare` launches the kernel for the
  next child while the current child's notebook runs; a kernel waits for its own child.

A kernel that fails to start is started again (three tries in all), and every kernel is
stopped when its child is done, or when its worker goes, whichever comes first.
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from .errors import EhcpKitError

__all__ = ["KernelStartError", "KernelSupply", "notebook_imports"]

logger = logging.getLogger("ehcp_kit")

START_ATTEMPTS = 3
STARTUP_TIMEOUT = 60.0
# Run no history database in a batch kernel: a file shared by thousands of kernels is
# slow, and a child's history has no business on disk beyond the audit record.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]


class KernelStartError(EhcpKitError, RuntimeError):
    """A kernel could not be started, after every try."""


def notebook_imports(cells_source: list[str]) -> list[str]:
    """The top-level modules a notebook's code cells import, for the zygote to load first.

    Only absolute ``import x`` and ``from x import y`` statements count; a cell that is
    not valid Python (a magic, say) is skipped.
    """
    names: dict[str, None] = {}
    for source in cells_source:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
    return list(names)


class Zygote:
    """The worker's handle on its zygote process: ask it for a kernel, stop it."""

    def __init__(self, preload: list[str], sockets: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._ready = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ehcp_kit._zygote",
             *([f"--sockets={sockets}"] if sockets else []), *preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            close_fds=True,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, argv: list[str], cwd: str, timeout: float = STARTUP_TIMEOUT) -> int:
        """A new kernel process running ``argv`` in ``cwd``; returns its process id."""
        with self._lock:
            if not self._ready:
                self._reply(timeout)
                self._ready = True
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd}) + "\n")
            self.process.stdin.flush()
            reply = self._reply(timeout)
        if "pid" not in reply:
            raise OSError(reply.get("error", "the zygote gave no kernel"))
        return int(reply["pid"])

    def _reply(self, timeout: float) -> dict:
        stream = self.process.stdout
        assert stream is not None
        readable, _, _ = select.select([stream], [], [], timeout)
        line = stream.readline() if readable else ""
        if not line:
            raise OSError(f"the kernel zygote did not answer (exit status {self.process.poll()})")
        return json.loads(line)

    def close(self) -> None:
        """Stop the zygote; it kills any kernel of its own that is still running."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class ReadyClient(AsyncKernelClient):
    """A kernel client that knows the kernel is ready as soon as it has answered.

    jupyter_client's own check then listens to a silent IOPub channel for a further
    0.2 s, twice per child; this one waits for the kernel's reply and for the "idle"
    status that follows it, and no longer.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else STARTUP_TIMEOUT)
        while True:
            request = self.kernel_info()
            reply = await self._message(self.shell_channel, request, "kernel_info_reply", 0.5)
            # IOPub may have connected only after the kernel spoke: then ask again.
            idle = reply is not None and await self._message(
                self.iopub_channel, request, "status", 0.5
            )
            if idle:
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    @staticmethod
    async def _message(channel, request: str, kind: str, wait: float) -> dict | None:
        """The first message of ``kind`` answering ``request`` within ``wait`` seconds."""
        until = time.monotonic() + wait
        while (left := until - time.monotonic()) > 0:
            try:
                message = await channel.get_msg(timeout=left)
            except Empty:
                return None
            answers = message.get("parent_header", {}).get("msg_id") == request
            if answers and message["msg_type"] == kind:
                if kind != "status" or message["content"].get("execution_state") == "idle":
                    return message
        return None


class ForkedProvisioner(LocalProvisioner):
    """Launch the kernel by asking the zygote to fork, and manage it by process id."""

    zygote: Zygote | None = None
    _exit_status: int | None = None

    @property
    def has_process(self) -> bool:
        return self.pid is not None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        assert self.zygote is not None
        # The kernel command is "python -m ipykernel_launcher ARGS": the zygote is that
        # interpreter with that module already loaded, so it needs only ARGS.
        argv = cmd[cmd.index("ipykernel_launcher") + 1:]
        cwd = str(kwargs.get("cwd") or os.getcwd())
        self.pid = await asyncio.to_thread(self.zygote.fork, argv, cwd)
        self.pgid = self.pid  # each forked kernel leads its own session
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        if self.pid is None:
            return self._exit_status if self._exit_status is not None else 0
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self._exit_status = -1
            return self._exit_status
        except PermissionError:
            return None
        return None

    async def wait(self) -> int | None:
        while await self.poll() is None:
            await asyncio.sleep(0.02)
        self.pid = None
        return self._exit_status

    async def send_signal(self, signum: int) -> None:
        if self.pid is None:
            return
        try:
            os.killpg(self.pgid, signum)
        except OSError:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)


class ChildKernelManager(AsyncKernelManager):
    """A kernel manager that remembers the clients it made, to close them with the kernel.

    papermill's client is left open when the kernel manager is handed in from outside;
    closing it here, with its sockets, keeps a long batch from leaking them.
    """

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.__dict__.setdefault("_made_clients", []).append(made)
        return made

    def close_clients(self) -> None:
        for made in self.__dict__.pop("_made_clients", []):
            made.stop_channels()
            if made._created_context and not made.context.closed:
                made.context.destroy(linger=0)


class KernelSupply:
    """Started kernels for one worker: each handed out once, each stopped after use.

    ``prepare(cwd)`` launches a kernel for a child whose notebook will run in ``cwd``
    without waiting for it; ``take(cwd)`` returns that kernel once it answers (or starts
    one then). ``release(km)`` stops a kernel for good. ``close()`` stops everything,
    the zygote included.
    """

    def __init__(self, kernel_name: str = "python3", preload: list[str] | None = None) -> None:
        self.kernel_name = kernel_name
        self.preload = list(preload or [])
        self._zygote: Zygote | None = None
        self._sockets = Path(tempfile.mkdtemp(prefix="ehcp-kernels-"))
        self._prepared: dict[str, asyncio.Task] = {}
        self._count = 0
        self._forkable: bool | None = None

    # -- handing out kernels -----------------------------------------------------------

    async def prepare(self, cwd: str) -> None:
        """Begin starting the kernel for the child whose notebook runs in ``cwd``."""
        if cwd not in self._prepared:
            self._prepared[cwd] = asyncio.ensure_future(self._start_with_retries(cwd))

    async def take(self, cwd: str) -> AsyncKernelManager:
        """A started, answering kernel in ``cwd``, never given to anyone before."""
        await self.prepare(cwd)
        return await self._prepared.pop(cwd)

    async def release(self, km: AsyncKernelManager) -> None:
        """Stop ``km``'s kernel at once and free what it used; it is never reused.

        A forked kernel is killed and left to its zygote to collect, which saves waiting
        for it; any other kernel is shut down the usual way.
        """
        try:
            if isinstance(km.provisioner, ForkedProvisioner):
                await km.provisioner.kill()
                km.provisioner.pid = None
            elif km.has_kernel:
                await km.shutdown_kernel(now=True)
        except Exception as error:  # noqa: BLE001 - a kernel already gone is fine
            logger.debug("kernel shutdown: %s", type(error).__name__)
        finally:
            km.close_clients()
            await km.cleanup_resources()

    async def release_unused(self) -> None:
        """Stop every kernel started ahead whose child never came for it."""
        prepared, self._prepared = list(self._prepared.values()), {}
        for task in prepared:
            try:
                await self.release(await task)
            except Exception:  # noqa: BLE001, S110 - it failed to start: nothing to stop
                pass

    async def aclose(self) -> None:
        """Stop every kernel not yet handed out, then the zygote."""
        await self.release_unused()
        self.close()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        shutil.rmtree(self._sockets, ignore_errors=True)

    # -- starting ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the zygote now (when the kernel can be forked), without waiting for it."""
        if self._can_fork(AsyncKernelManager(kernel_name=self.kernel_name)):
            self._zygote_for_use()

    async def _start_with_retries(self, cwd: str) -> AsyncKernelManager:
        last: BaseException | None = None
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return await self._start(cwd)
            except Exception as error:  # noqa: BLE001 - retried, then reported
                last = error
                logger.warning(
                    "kernel start failed (try %d of %d): %s",
                    attempt, START_ATTEMPTS, type(error).__name__,
                )
                if self._zygote is not None and not self._zygote.alive:
                    self._zygote.close()
                    self._zygote = None
                await asyncio.sleep(0.2 * attempt)
        raise KernelStartError(
            f"kernel {self.kernel_name!r} did not start after {START_ATTEMPTS} tries: {last}"
        ) from last

    async def _start(self, cwd: str) -> AsyncKernelManager:
        self._count += 1
        self._sockets.mkdir(exist_ok=True)  # a zygote that stopped took it away
        km = ChildKernelManager(
            kernel_name=self.kernel_name,
            transport="ipc",
            ip=str(self._sockets / f"k{self._count}"),
            client_class="ehcp_kit._kernels.ReadyClient",
        )
        if self._can_fork(km):
            provisioner = ForkedProvisioner(
                kernel_id=f"forked-{self._count}", kernel_spec=km.kernel_spec, parent=km
            )
            provisioner.zygote = self._zygote_for_use()
            km.provisioner = provisioner
        await km.start_kernel(cwd=cwd, extra_arguments=list(KERNEL_ARGUMENTS))

        # Wait until it answers: a kernel that dies starting up is retried here, never
        # handed to a child.
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except BaseException:
            await self.release(km)
            raise
        km.close_clients()
        return km

    def _can_fork(self, km: AsyncKernelManager) -> bool:
        """Whether the kernel spec is this interpreter's plain ipykernel, as the zygote is."""
        if self._forkable is None:
            spec = km.kernel_spec
            argv = list(spec.argv)
            # jupyter_client runs a spec whose command is plain "python" with this
            # interpreter; any other interpreter is not the zygote's.
            this_python = bool(argv) and (
                argv[0] in ("python", "python3")
                or Path(argv[0]).resolve() == Path(sys.executable).resolve()
            )
            self._forkable = (
                os.name == "posix"
                and this_python
                and argv[1:3] == ["-m", "ipykernel_launcher"]
                and not spec.env
            )
        return self._forkable

    def _zygote_for_use(self) -> Zygote:
        if self._zygote is None or not self._zygote.alive:
            started = time.perf_counter()
            self._zygote = Zygote(self.preload, self._sockets)
            logger.debug("kernel zygote started in %.2f s", time.perf_counter() - started)
        return self._zygote
