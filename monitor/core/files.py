"""Writing files whole or not at all, one writer at a time.

Every file the project writes goes through :func:`atomic_write` (or :func:`atomic_writer`
for writers that want a path or a handle, such as ``DataFrame.to_csv`` or ``savefig``): the
content goes to a uniquely named temporary file in the target's folder, is flushed and
fsynced, and is then renamed over the target, so a reader sees the old file or the new one,
never a part. Without ``overwrite`` the final step is a hard link, which fails if the target
appeared in the meantime: the no-overwrite check cannot race. :func:`locked` serialises
read-modify-write cycles (``status.json``) between processes with ``flock``. Neither a lock file
nor an output folder is followed through a symbolic link (:func:`refuse_symlink`,
:func:`ensure_folder`): a link planted there would send the writes elsewhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write", "atomic_writer", "locked", "FileExistsNoForce", "LockBusy", "SymlinkRefused",
           "refuse_symlink", "ensure_folder", "describe_os_error"]


class FileExistsNoForce(FileExistsError):
    """The target exists and overwriting was not asked for."""

    def __init__(self, path: Path):
        super().__init__(errno.EEXIST, f"{path} already exists; use --force to overwrite it", str(path))
        self.path = path

    def __str__(self) -> str:
        return f"{self.path} already exists; use --force to overwrite it"


class LockBusy(RuntimeError):
    """Another process holds the lock and did not release it in time."""


class SymlinkRefused(OSError):
    """A lock file or output folder that is a symbolic link: never followed."""

    def __init__(self, path: Path):
        super().__init__(errno.ELOOP, f"{path} is a symbolic link; refused (remove it or choose another folder)",
                         str(path))
        self.path = path

    def __str__(self) -> str:
        return self.strerror


def refuse_symlink(path: str | os.PathLike) -> Path:
    """``path``, or :class:`SymlinkRefused` when it is a symbolic link (a missing path is fine).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "tables").symlink_to("/etc")
    >>> refuse_symlink(folder / "tables")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    monitor.core.files.SymlinkRefused: .../tables is a symbolic link; refused (remove it or choose another folder)
    """
    path = Path(path)
    if path.is_symlink():
        raise SymlinkRefused(path)
    return path


def ensure_folder(path: str | os.PathLike) -> Path:
    """``path`` as a folder, created with its parents if missing; :class:`SymlinkRefused` when
    ``path`` itself is a symbolic link (an existing link to a folder would pass ``mkdir``)."""
    path = refuse_symlink(path)
    path.mkdir(parents=True, exist_ok=True)
    return refuse_symlink(path)


def _temporary(path: Path) -> tuple[int, Path]:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return fd, Path(name)


def _publish(tmp: Path, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails with EEXIST if the target exists, atomically
    except FileExistsError:
        raise FileExistsNoForce(path) from None
    except OSError as exc:  # a file system without hard links: exclusive create, then replace
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            raise FileExistsNoForce(path) from None
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if not overwrite:
                tmp.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, overwrite: bool = True, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it becomes ``path``.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed and the
    target is left as it was. ``overwrite=False`` refuses an existing target, checked both
    before the work and, race-free, at the final link.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> with atomic_writer(out) as tmp:
    ...     pd.DataFrame({"n": [1]}).to_csv(tmp, index=False)
    >>> out.read_text()
    'n\\n1\\n'
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsNoForce(path)
    fd, tmp = _temporary(path)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _publish(tmp, path, overwrite)
        _fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write(path: str | os.PathLike, data: str | bytes, overwrite: bool = True, mode: int = 0o644) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all; returns the path."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, overwrite=overwrite, mode=mode) as tmp, open(tmp, "wb") as handle:
        handle.write(payload)
    return path


@contextlib.contextmanager
def locked(path: str | os.PathLike, timeout: float | None = 60.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (a lock file, created if needed).

    ``timeout=None`` waits for ever; ``0`` fails at once. Raises :class:`LockBusy` when the
    lock is not had in time. The lock is released when the block ends or the process dies. A
    symbolic link at ``path`` is never followed (``O_NOFOLLOW``): :class:`SymlinkRefused`.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP and path.is_symlink():
            raise SymlinkRefused(path) from None
        raise
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockBusy(f"{path} is locked by another process") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def describe_os_error(exc: OSError, path: str | os.PathLike | None = None) -> str:
    """One line naming the path and the cause: ``cannot write reports/x.html: disk full``."""
    if isinstance(exc, SymlinkRefused):
        return str(exc)
    causes = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded", errno.EROFS: "read-only file system",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENOENT: "no such file or folder", errno.ENOTDIR: "a part of the path is not a folder",
              errno.EISDIR: "is a folder", errno.ELOOP: "too many levels of symbolic links (a link loop)",
              errno.ENAMETOOLONG: "file name too long", errno.EPIPE: "broken pipe"}
    cause = causes.get(exc.errno, exc.strerror or type(exc).__name__)
    where = path if path is not None else (exc.filename or "")
    return f"{where}: {cause}" if where else cause
