"""The site's Ed25519 signing key, which signs every audit event as it is recorded.

The private key lives in a file outside the database, ``TALLYROOM_SIGNING_KEY_FILE`` (default
``var/signing-key.pem``), so that whoever can write to the database still cannot sign: a
rewritten event no longer verifies. Make it once with ``tallyroom manage make_signing_key``
(mode 0600; back it up, and keep it off the database server). With ``TALLYROOM_DEBUG=1`` (the
demo) or ``TALLYROOM_SIGNING_KEY_AUTOCREATE`` (the tests) a missing key is made on first use.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .trail import key_id


def key_file() -> Path:
    return Path(getattr(settings, "TALLYROOM_SIGNING_KEY_FILE", Path(settings.VAR_DIR) / "signing-key.pem"))


def make_key(path: Path) -> bool:
    """Write a new private key to ``path`` (mode 0600) unless one is there; whether it did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return True


@cache
def _load(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key")
    return key


def private_key() -> Ed25519PrivateKey:
    path = key_file()
    if not path.exists():
        if not (settings.DEBUG or getattr(settings, "TALLYROOM_SIGNING_KEY_AUTOCREATE", False)):
            raise ImproperlyConfigured(
                f"no audit signing key at {path}: run `tallyroom manage make_signing_key` "
                "(or set TALLYROOM_SIGNING_KEY_FILE)"
            )
        make_key(path)
    return _load(path)


def public_raw() -> bytes:
    return private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem() -> str:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def current_key_id() -> str:
    # Keyed on the settings as they are, not on ``key_file()``: making that path anew (and its
    # hash) for every page cost 10-30 µs, a tenth of a receipt's rendering.
    return _key_id(getattr(settings, "TALLYROOM_SIGNING_KEY_FILE", None), settings.VAR_DIR)


@cache
def _key_id(configured, var_dir) -> str:
    """The id of the key in the file these settings name (``key_file()``; made there on first use
    where allowed), worked out once as ``_load`` loads the key once: every page's footer shows
    it."""
    return key_id(public_raw())


def sign(event_hash: str) -> str:
    """The Ed25519 signature (hex) of an event's hash."""
    return private_key().sign(event_hash.encode("ascii")).hex()
