"""The Ed25519 key that signs audit checkpoints: from the settings (hex) or a key file kept
outside the database, created on first use with mode 0600."""

from __future__ import annotations

import hashlib
import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from signals.config import Settings


def private_key(settings: Settings, *, create: bool) -> Ed25519PrivateKey | None:
    if settings.audit_checkpoint_key:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(settings.audit_checkpoint_key))
    path = settings.audit_checkpoint_key_path
    if path is None:
        return None
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        try:  # O_EXCL: two processes starting at once must not write two keys
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(seed.hex())
        except FileExistsError:
            pass
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))


def public_key(settings: Settings) -> Ed25519PublicKey | None:
    if settings.audit_checkpoint_public_key:
        return Ed25519PublicKey.from_public_bytes(
            bytes.fromhex(settings.audit_checkpoint_public_key)
        )
    private = private_key(settings, create=False)
    return private.public_key() if private else None


def public_key_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]
