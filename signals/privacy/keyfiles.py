"""Secret keys kept as files outside the database (pseudonym and escrow keys)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def read_key_file(path: Path, new_key: Callable[[], bytes], *, create: bool) -> bytes | None:
    """The key stored in `path`, stripped; when the file is missing, None, or with `create` a
    key from `new_key` written first, readable by the owner only."""
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes creating the key at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new_key())
    return path.read_bytes().strip()
