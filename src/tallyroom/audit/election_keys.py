"""Each election's own Ed25519 signing key, which signs that election's audit events (and so its
counts, through their ``contest.publish`` events).

The key is made when the election is (or on its first event, for older elections). Its private
half is kept in the database only sealed: AES-256-GCM under a key derived (HKDF-SHA256) from the
site's signing key, which lives in a file (``signing``), with the election and the key's id as
associated data. So whoever can write to the database can neither read an election's key nor put
another in its place: a row it did not seal does not open, and every election key is certified
by an ``audit.election_key`` event signed with the site key, which verifiers check.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import IntegrityError, transaction

from . import signing
from .trail import CERTIFY, key_id

__all__ = ["CERTIFY", "SealError", "key_for", "private_key", "problems", "public_pem", "seal"]
WRAP_INFO = b"tallyroom election signing keys v1"


class SealError(Exception):
    """An election's sealed key does not open with this server's site key."""


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _wrapping_key() -> bytes:
    site = signing.private_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=WRAP_INFO).derive(site)


def _aad(election_pk: int, kid: str) -> bytes:
    return f"election:{election_pk}:{kid}".encode("ascii")


def seal(election_pk: int, private: Ed25519PrivateKey) -> tuple[str, bytes]:
    """The key's id and its private half sealed for ``election_pk`` (nonce + ciphertext)."""
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    kid = key_id(_raw_public(private))
    nonce = os.urandom(12)
    return kid, nonce + AESGCM(_wrapping_key()).encrypt(nonce, raw, _aad(election_pk, kid))


@lru_cache(maxsize=256)
def _unseal(election_pk: int, kid: str, sealed: bytes, public_hex: str) -> Ed25519PrivateKey:
    try:
        raw = AESGCM(_wrapping_key()).decrypt(sealed[:12], sealed[12:], _aad(election_pk, kid))
    except (InvalidTag, ValueError):
        raise SealError(
            f"the signing key {kid} of election {election_pk} does not open with this server's site key "
            "(replaced in the database, or sealed under another site key)"
        ) from None
    private = Ed25519PrivateKey.from_private_bytes(raw)
    if _raw_public(private).hex() != public_hex or key_id(_raw_public(private)) != kid:
        raise SealError(
            f"the signing key {kid} of election {election_pk} is not the public key stored with it"
        )
    return private


def private_key(row) -> Ed25519PrivateKey:
    """A ``SigningKey`` row's private key, opened (``SealError`` if it does not open)."""
    return _unseal(row.election_id, row.key_id, bytes(row.sealed), row.public_key)


def key_for(election_pk: int):
    """The election's ``SigningKey``, made (and certified in the trail) if it has none. Call
    inside a transaction."""
    from .events import append
    from .models import SigningKey

    row = SigningKey.objects.filter(election_id=election_pk).first()
    if row is not None:
        return row
    private = Ed25519PrivateKey.generate()
    kid, sealed = seal(election_pk, private)
    try:
        with transaction.atomic():
            row = SigningKey.objects.create(
                election_id=election_pk,
                key_id=kid,
                public_key=_raw_public(private).hex(),
                sealed=sealed,
                sealed_by=signing.current_key_id(),
            )
    except IntegrityError:  # another process made it meanwhile
        return SigningKey.objects.get(election_id=election_pk)
    append(
        None,
        CERTIFY,
        f"election:{election_pk}",
        {"election": election_pk, "key_id": kid, "public_key": row.public_key},
        None,
    )
    return row


def public_pem(row) -> str:
    """A ``SigningKey`` row's public key, PEM."""
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key))
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def problems() -> list[str]:
    """Election keys in the database that do not open with the site key, or not as stored."""
    from .models import SigningKey

    found = []
    for row in SigningKey.objects.order_by("election_id"):
        try:
            private_key(row)
        except SealError as e:
            found.append(str(e))
    return found
