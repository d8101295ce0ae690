"""Writing documents whole: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_whole"]


def write_whole(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` so that ``path`` is never seen half-written.

    The bytes go to a hidden temporary file beside ``path``, are flushed to disk, and
    the file is then renamed over ``path`` (a rename within one folder is atomic). If
    anything fails, the temporary file is removed and an older ``path`` is untouched.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")

    try:
        # "x" refuses to reuse a name; open() honours the umask, as papermill's files do.
        with open(temporary, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
