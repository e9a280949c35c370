"""Small file helpers for certify: atomic private writes and bounded reads.

Key files, seal files, trust files and registries are all written the same way:
into a temporary file created with mode 0600 in the target folder, flushed and
fsynced, then renamed over the target, so a reader never sees half a file and a
private key is never world-readable, not even for a moment.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from certbench.errors import MalformedError

__all__ = ["MAX_INPUT_BYTES", "atomic_write", "read_limited"]

MAX_INPUT_BYTES = 10 * 1024 * 1024
"""The largest seal, PDF, trust file or registry the verifier reads (10 MiB)."""


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` atomically; the file has ``mode`` from its first byte.

    :raises OSError: the folder is missing or not writable.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)  # in case the umask took bits away from a public file
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (best effort; some file systems refuse directory fsync)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_limited(path: Path, *, limit: int = MAX_INPUT_BYTES, what: str = "file") -> bytes:
    """Read at most ``limit`` bytes of ``path``; a larger file is :class:`MalformedError`.

    :raises MalformedError: the file is larger than ``limit``.
    :raises OSError: the file cannot be opened.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise MalformedError(f"{what} is larger than {limit // (1024 * 1024)} MiB", path=str(path))
    return data
