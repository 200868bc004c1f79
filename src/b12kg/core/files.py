"""Files written safely: atomic writes, temporary folders that are always cleaned up, and plain-language
errors for every way a write can fail.

* :func:`atomic_write` writes a file beside its target and renames it over the target, so readers see the
  old file or the whole new one, never half of it. A target that is a device or a FIFO (``/dev/null``,
  ``/dev/stdout``) is written in place (never replaced); a symbolic link is followed.
* :class:`TempFolder` is a temporary folder that holds a marker file locked by the process that made it.
  It is removed when the work ends (also on Ctrl-C or SIGTERM, see :func:`remove_active`); a folder left
  behind by a killed process is *stale* (nobody holds its lock) and :func:`sweep_stale` removes it on the
  next run. Only folders that carry the marker are ever removed, so a user's own folder is never touched.
* Every failure is an :class:`~b12kg.core.errors.OutputError` naming the path, the reason and the fix
  (a read-only folder, a folder given as a file, a full disk, a parent that is a file…).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write(p, "hello").read_text()
'hello'
>>> atomic_write(p.parent, "x")
Traceback (most recent call last):
b12kg.core.errors.OutputError: cannot write ...: it is a folder; give a file name inside it
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import OutputError

__all__ = [
    "TEMP_MARK",
    "TempFolder",
    "atomic_directory",
    "atomic_write",
    "folder_size",
    "not_a_readable_file",
    "output_error",
    "remove_active",
    "stale_folders",
    "sweep_stale",
]

#: the marker file inside every temporary folder b12kg makes (locked by its owner while in use)
TEMP_MARK = ".b12kg-temp"
#: a temporary folder without a marker (an older b12kg, or killed before it wrote one) counts as stale
#: after this many seconds
UNMARKED_STALE_AFTER = 3600.0

_REASONS = {
    errno.EACCES: ("permission denied", "choose a folder you can write to, or change its permissions"),
    errno.EPERM: ("permission denied", "choose a folder you can write to, or change its permissions"),
    errno.EROFS: ("the file system is read-only", "write somewhere else"),
    errno.ENOSPC: ("no space left on the device", "free some space or write somewhere else"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space or write somewhere else"),
    errno.EFBIG: ("the file is larger than this file system or process allows", "write somewhere else"),
    errno.EISDIR: ("it is a folder", "give a file name inside it"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
    errno.ELOOP: ("the path is a loop of symbolic links", "fix or remove the link"),
    errno.ENOENT: ("its folder does not exist and cannot be made", "check the path"),
    errno.EIO: ("input/output error", "check the disk"),
}


def output_error(e: OSError, path: str | Path) -> OutputError:
    """The :class:`OutputError` for an ``OSError`` raised while writing ``path``."""
    reason, fix = _REASONS.get(e.errno or 0, (e.strerror or str(e), ""))
    return OutputError(str(path), reason, fix)


def not_a_readable_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file (``None`` when it is a readable regular file).

    A folder, a FIFO, a device such as ``/dev/zero`` (reading it would never end), a loop of symbolic
    links and an unreadable file each get their own reason.

    >>> not_a_readable_file(Path("/dev/zero"))
    'is a device, not a regular file'
    >>> not_a_readable_file(Path("/no/such/file"))
    'no such file'
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "is a loop of symbolic links"
        if e.errno in (errno.EACCES, errno.EPERM):
            return "cannot be read (permission denied)"
        return e.strerror or str(e)
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or
                stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "a special file")
        return f"is {kind}, not a regular file"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def _target(path: Path) -> Path:
    """Where writing ``path`` really goes: symbolic links are followed (a loop is an error)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=False)
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise OutputError(str(path), "the path is a loop of symbolic links", "fix or remove the link") from None
    except OSError as e:
        raise output_error(e, path) from None


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    The temporary file is removed whatever happens. Raises :class:`OutputError` naming the path, the
    reason and what to do when the file cannot be written.
    """
    import tempfile  # imported here: keeps the quick commands' start-up light

    if not isinstance(path, (str, os.PathLike)):
        raise OutputError(repr(path), "it is not a file path", "give a path such as out.ttl")
    given = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = _target(given)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = 0
    except OSError as e:
        raise output_error(e, given) from None
    if stat.S_ISDIR(mode):
        raise OutputError(str(given), "it is a folder", "give a file name inside it")
    if mode and not stat.S_ISREG(mode):  # a device, FIFO or socket: write into it, never replace it
        try:
            with open(target, "wb") as fh:
                fh.write(raw)
        except OSError as e:
            raise output_error(e, given) from None
        return given
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise output_error(e, given) from None
    _ACTIVE.add(Path(tmp))
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(e, given) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _ACTIVE.discard(Path(tmp))
    return given


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- temporary folders ---------------------------------------------------------------------------------
#: temporary files and folders in use by this process (removed by :func:`remove_active` on a signal)
_ACTIVE: set[Path] = set()


class TempFolder:
    """A temporary folder in ``parent`` named ``prefix…``, marked and locked as b12kg's while it is in use.

    Use it as a context manager: the folder is removed on exit unless :meth:`commit` moved it into place.

    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> with TempFolder(parent, ".work-") as tmp:
    ...     _ = (tmp.path / "a.txt").write_text("a")
    ...     tmp.commit(parent / "done")
    >>> sorted(p.name for p in parent.iterdir()), (parent / "done" / "a.txt").read_text()
    (['done'], 'a')
    """

    def __init__(self, parent: Path, prefix: str) -> None:
        import tempfile

        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        except OSError as e:
            raise output_error(e, parent) from None
        _ACTIVE.add(self.path)
        self._lock: Any = None
        try:
            self._lock = open(self.path / TEMP_MARK, "wb")  # noqa: SIM115 - held open while in use
            _flock(self._lock, blocking=True)
        except OSError:  # no lock: the folder still counts as stale only after UNMARKED_STALE_AFTER
            pass

    def __enter__(self) -> TempFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def commit(self, final: Path, *, replace_existing: bool = False) -> None:
        """Move the folder to ``final`` (without its marker). ``replace_existing`` swaps out a folder there.

        Without ``replace_existing`` an existing ``final`` raises :class:`FileExistsError` and the folder
        stays temporary (removed on exit).
        """
        self._release()
        if replace_existing and final.exists():
            old = TempFolder(final.parent, f".{final.name}.old.")
            os.replace(final, old.path / "previous")
            try:
                os.replace(self.path, final)
            except BaseException:
                os.replace(old.path / "previous", final)  # put the old one back
                old.cleanup()
                raise
            old.cleanup()
        else:
            os.rename(self.path, final)  # fails if ``final`` is a folder with something in it
        _ACTIVE.discard(self.path)

    def _release(self) -> None:
        if self._lock is not None:
            Path(self._lock.name).unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    def cleanup(self) -> None:
        """Remove the folder (if it was not committed)."""
        import shutil

        self._release()
        if self.path in _ACTIVE:
            shutil.rmtree(self.path, ignore_errors=True)
            _ACTIVE.discard(self.path)


def _flock(fh: Any, *, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; staleness goes by age
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_active() -> None:
    """Remove every temporary file and folder this process is using (called when a signal ends it)."""
    import shutil

    for p in list(_ACTIVE):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        _ACTIVE.discard(p)


def _is_stale(folder: Path, *, unmarked: bool) -> bool:
    mark = folder / TEMP_MARK
    try:
        fh = open(mark, "rb")  # noqa: SIM115
    except OSError:
        if not unmarked:
            return False
        try:
            return time.time() - folder.stat().st_mtime > UNMARKED_STALE_AFTER
        except OSError:
            return False
    with fh:
        return _flock(fh, blocking=False)  # nobody holds the lock: its owner is gone


def stale_folders(parent: Path, prefixes: Iterable[str], *, unmarked: bool = False) -> list[Path]:
    """Temporary folders in ``parent`` (names starting with one of ``prefixes``) whose owner is gone.

    ``unmarked`` also counts folders without a marker once they are an hour old (only for folders that
    belong to b12kg as a whole, such as the cache).
    """
    prefixes = tuple(prefixes)
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    return [Path(e.path) for e in entries
            if e.name.startswith(prefixes) and e.is_dir(follow_symlinks=False)
            and _is_stale(Path(e.path), unmarked=unmarked)]


def sweep_stale(parent: Path, prefixes: Iterable[str], *, unmarked: bool = False) -> list[Path]:
    """Remove the stale temporary folders of :func:`stale_folders`; returns what was removed."""
    removed = []
    for p in stale_folders(parent, prefixes, unmarked=unmarked):
        import shutil  # only when there is something to remove: keeps the cold query path light

        shutil.rmtree(p, ignore_errors=True)
        if not p.exists():
            removed.append(p)
    return removed


def folder_size(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it cannot be read)."""
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            continue
    return total


def atomic_directory(path: Path, fill: Callable[[Path], None]) -> Path:
    """Build a directory with ``fill(tmpdir)`` and move it into place only when ``fill`` succeeded.

    An existing directory at ``path`` is replaced (callers check first that it may be); on failure or
    interruption it is left as it was and the temporary folder is removed. Temporary folders that an
    earlier, killed run left beside ``path`` are removed first.
    """
    path = _target(Path(path))
    sweep_stale(path.parent, [f".{path.name}."])
    with TempFolder(path.parent, f".{path.name}.") as tmp:
        fill(tmp.path)
        try:
            tmp.commit(path, replace_existing=True)
        except OSError as e:
            raise output_error(e, path) from None
    return path
