"""Files built once per machine from the installed packages (the encoder graphs, the Dutch word
list), kept per user outside the repository and var/: they belong to the packages, not to a
deployment's data. Each file's name holds a hash of what it is built from."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CACHE_DIR = Path.home() / ".cache" / "oov-signals"


def write_cached(path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half a file); a read-only home is no error, the
    file is built again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    except OSError:
        pass
