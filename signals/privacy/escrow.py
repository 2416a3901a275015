"""Encrypted escrow of plaintext author handles, only for sources with `escrow_authors: true`.

The Fernet key is a file in the pseudonym key directory, never in the database: a copy of
the database alone reveals nothing. Each ciphertext binds the post id to the handle, so a
ciphertext copied onto another post does not decrypt as that post's author."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from collectors.models import SourceConfig
from signals.config import get_settings
from signals.db.models import AuthorEscrow, Post
from signals.errors import DomainError
from signals.privacy.keyfiles import read_key_file

ESCROW_KEY_FILE = "escrow.key"
EscrowHook = Callable[[Session, Post, str], None]
_SEP = "\x1f"


class EscrowError(DomainError, ValueError):
    """No usable escrow for a post; the message is Dutch, for the UI."""

    status_code = 400


def key_path(key_dir: Path | None = None) -> Path:
    if key_dir is None:
        key_dir = get_settings().pseudonym_key_dir
    return Path(key_dir) / ESCROW_KEY_FILE


def _fernet(key_dir: Path | None, *, create: bool) -> Fernet | None:
    key = read_key_file(key_path(key_dir), Fernet.generate_key, create=create)
    return None if key is None else Fernet(key)


def deposit(session: Session, post: Post, handle: str, *, key_dir: Path | None = None) -> None:
    fernet = _fernet(key_dir, create=True)
    assert fernet is not None
    token = fernet.encrypt(f"{post.id}{_SEP}{handle}".encode())
    session.merge(AuthorEscrow(post_id=post.id, ciphertext=token.decode()))


def hook_for(source: SourceConfig, *, key_dir: Path | None = None) -> EscrowHook | None:
    """The intake hook for this source, or None when the source keeps no escrow (default)."""
    if not source.escrow_authors:
        return None

    def hook(session: Session, post: Post, handle: str) -> None:
        deposit(session, post, handle, key_dir=key_dir)

    return hook


def open_escrow(session: Session, post_id: int, *, key_dir: Path | None = None) -> str:
    """Decrypt one post's handle. Callers must have passed the four-eyes check (reveal.py)."""
    row = session.get(AuthorEscrow, post_id)
    if row is None:
        raise EscrowError("Voor dit bericht is geen auteur bewaard: er is niets te onthullen.")
    fernet = _fernet(key_dir, create=False)
    if fernet is None:
        raise EscrowError("De escrow-sleutel ontbreekt; de auteur kan niet worden onthuld.")
    try:
        plain = fernet.decrypt(row.ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise EscrowError("De escrow van dit bericht is ongeldig.") from exc
    bound_id, _, handle = plain.partition(_SEP)
    if bound_id != str(post_id):
        raise EscrowError("De escrow hoort niet bij dit bericht.")
    return handle


def has_escrow(session: Session, post_id: int) -> bool:
    return session.get(AuthorEscrow, post_id) is not None
