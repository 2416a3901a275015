"""Local state is private to the service account: var/ and its directories 0700, databases,
keys and briefings 0600, whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def ensure_private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create `path` (and missing parents) as 0700. An existing directory is left alone unless
    `tighten` (for var/ itself: never for a directory a user named, such as the cwd)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        directory.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(directory, DIR_MODE)
    if tighten and path.is_dir() and (path.stat().st_mode & 0o077):
        os.chmod(path, DIR_MODE)
    return path


def ensure_private_file(path: Path) -> Path:
    """Create an empty 0600 file if it does not exist (e.g. before SQLite opens it, so the
    database and its -wal/-shm files, which copy its mode, are private); tighten if it does."""
    ensure_private_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file readable by the owner only (0600), in a 0700 directory."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    os.chmod(path, FILE_MODE)
    return path
