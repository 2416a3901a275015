"""Read protocol files into validated `Protocol` objects, with errors a supervisor can act on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError

from signals.errors import DomainError
from signals.protocol.model import Protocol

MAX_PROTOCOL_BYTES = 512 * 1024
MAX_NESTING = 20


class ProtocolError(DomainError, ValueError):
    """A protocol file that cannot be used: 422, the file's content is what is wrong."""

    status_code = 422

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _location(loc: tuple, data: object) -> str:
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            ident = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{key}]" + (f" ({ident})" if ident else ""))
            continue
        parts.append(f".{key}" if parts else str(key))
        node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "(file)"


def _check_structure(text: str) -> None:
    """Refuse aliases (billion-laughs expansion) and deep nesting before building any object.

    The event stream is flat, so this walk cannot itself be driven into deep recursion."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ValueError("YAML aliases (*name) are not allowed in a protocol file")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise ValueError(f"nested deeper than {MAX_NESTING} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_protocol_text(text: str, source: str = "<text>") -> Protocol:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PROTOCOL_BYTES:
        raise ProtocolError(source, [f"file larger than {MAX_PROTOCOL_BYTES} bytes"])
    try:
        _check_structure(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProtocolError(source, [f"not valid YAML: {exc}"]) from exc
    except ValueError as exc:
        raise ProtocolError(source, [str(exc)]) from exc
    if not isinstance(data, dict):
        raise ProtocolError(source, ["top level must be a mapping with version, interventions…"])
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_location(tuple(err['loc']), data)}: {err['msg']}" for err in exc.errors()]
        raise ProtocolError(source, problems) from exc


def load_protocol_file(path: Path | str) -> Protocol:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(str(path), [f"cannot read: {exc}"]) from exc
    return load_protocol_text(text, str(path))


def file_sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def find_version_file(directory: Path, version_or_path: str) -> Path:
    """`v2` → the file in `directory` whose version is v2; a path is taken as is."""
    candidate = Path(version_or_path)
    if candidate.suffix in {".yml", ".yaml"} and candidate.exists():
        return candidate
    for path in sorted(directory.glob("*.y*ml")):
        try:
            if load_protocol_file(path).version == version_or_path:
                return path
        except ProtocolError:
            continue
    raise ProtocolError(
        str(directory), [f"no valid protocol file with version {version_or_path!r}"]
    )
