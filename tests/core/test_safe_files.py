"""Atomic writes and temporary folders: every failure is an OutputError naming the path, a device is written
in place, and only b12kg's own stale temporary folders are ever removed."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

import pytest

from b12kg.core.errors import OutputError
from b12kg.core.files import (
    TEMP_MARK,
    TempFolder,
    atomic_directory,
    atomic_write,
    not_a_readable_file,
    output_error,
    stale_folders,
    sweep_stale,
)


@pytest.mark.parametrize(("code", "reason"), [
    (errno.EACCES, "permission denied"), (errno.EROFS, "read-only"), (errno.ENOSPC, "no space left"),
    (errno.EISDIR, "it is a folder"), (errno.ENOTDIR, "not a folder"), (errno.ELOOP, "loop of symbolic links"),
    (errno.EDQUOT, "quota"), (errno.EFBIG, "larger than"),
])
def test_every_write_failure_has_a_plain_reason(code: int, reason: str) -> None:
    err = output_error(OSError(code, os.strerror(code)), "/x/out.ttl")
    assert isinstance(err, OutputError) and err.path == "/x/out.ttl" and reason in str(err)


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    atomic_write(target, "old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="no space left"):
        atomic_write(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_into_a_device_keeps_the_device() -> None:
    assert atomic_write("/dev/null", b"x") == Path("/dev/null")
    assert Path("/dev/null").is_char_device()
    with pytest.raises(OutputError, match="no space left"):
        atomic_write("/dev/full", b"x")


def test_temp_folder_commit_and_cleanup(tmp_path: Path) -> None:
    with TempFolder(tmp_path, ".work-") as tmp:
        assert (tmp.path / TEMP_MARK).exists()
        (tmp.path / "a").write_text("a")
    assert list(tmp_path.iterdir()) == []  # not committed: removed
    with TempFolder(tmp_path, ".work-") as tmp:
        tmp.commit(tmp_path / "done")
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == []


def test_only_stale_marked_folders_are_swept(tmp_path: Path) -> None:
    stale = tmp_path / ".build-stale"
    stale.mkdir()
    (stale / TEMP_MARK).write_bytes(b"")
    busy = tmp_path / ".build-busy"
    busy.mkdir()
    mine = tmp_path / ".build-users-own"  # no marker: never b12kg's to remove (unless ``unmarked``)
    mine.mkdir()
    with open(busy / TEMP_MARK, "wb") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        assert stale_folders(tmp_path, [".build-"]) == [stale]
        assert sweep_stale(tmp_path, [".build-"]) == [stale]
    assert busy.exists() and mine.exists() and not stale.exists()


def test_atomic_directory_swaps_and_restores(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    atomic_directory(out, lambda d: (d / "a.txt").write_text("1"))

    def fail(d: Path) -> None:
        (d / "a.txt").write_text("2")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_directory(out, fail)
    assert (out / "a.txt").read_text() == "1" and sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_not_a_readable_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert not_a_readable_file(tmp_path / "fifo") == "is a FIFO (named pipe), not a regular file"
    assert not_a_readable_file(tmp_path / "loop") == "is a loop of symbolic links"
    assert not_a_readable_file(tmp_path) == "is a folder, not a file"
