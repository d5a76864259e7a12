"""The election's key, its trustees' shares, and sealing a ballot to it. No Django here.

At the key ceremony (``tallyroom keys ceremony``, on a machine off the network) an X25519 key pair
is made (PyNaCl). The private key is wrapped with AES-128-GCM under a fresh 16-byte wrap key
(``cryptography``), the wrap key is split k-of-n among the trustees by Shamir's scheme
(pycryptodome's ``Crypto.Protocol.SecretSharing``, which shares 16-byte secrets), and both the
wrap key and the private key are dropped. What the server keeps, :class:`PublicKey`, is the public
key, the wrapped private key (useless without k shares) and a digest of each share, so a wrong or
tampered share is named before anything is tried with it.

A ballot is sealed with libsodium's sealed box (an ephemeral X25519 key per ballot, XSalsa20-
Poly1305): anyone can seal, only the private key opens, and no two seals of one ballot look alike.
Its plaintext is padded to a fixed size per contest, so the ciphertext's length says nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.public import PublicKey as NaclPublicKey
from nacl.utils import random as random_bytes

from tallyroom.stored_words import Stored, english, gettext_noop, stored

SHARE_PREFIX = "tallyroom-share-v1"
SHARE_PATTERN = re.compile(rf"{SHARE_PREFIX}:([0-9a-f]{{16}}):(\d+):([0-9a-f]{{32}})")
PAD_BLOCK = 256
NOT_OPENED = stored(gettext_noop("a sealed ballot does not open with this election's key"))
NOT_A_SHARE = stored(
    gettext_noop("not a trustee's share: it should look like %(form)s"),
    form=f"{SHARE_PREFIX}:<16 hex>:<number>:<32 hex>",
)


class ShareError(ValueError):
    """A key, share or sealed ballot that cannot be used; the message says why, in the trustees'
    terms: ``str(e)`` in English, ``words`` the message (``tallyroom.stored_words``) for a page to
    show in its reader's language (None when the message was given as text)."""

    def __init__(self, message: Stored | str):
        self.words = message if isinstance(message, dict) else None
        super().__init__(english(message) if self.words else message)


@dataclass(frozen=True)
class PublicKey:
    """What the server holds of the election's key: nothing that opens a ballot by itself."""

    public: bytes
    wrapped: bytes  # nonce (12 bytes) + AES-GCM of the private key under the shared wrap key
    threshold: int
    trustees: tuple[str, ...]
    share_digests: tuple[str, ...]

    @property
    def fingerprint(self) -> str:
        """16 hex digits naming this key; every share carries it."""
        return hashlib.sha256(self.public).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "tallyroom-election-key-v1",
                "public": self.public.hex(),
                "wrapped": self.wrapped.hex(),
                "threshold": self.threshold,
                "trustees": list(self.trustees),
                "share_digests": list(self.share_digests),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> PublicKey:
        not_valid = gettext_noop("not a valid election key file: %(why)s")
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ShareError(stored(not_valid, why=str(e))) from None
        if not isinstance(data, dict) or data.get("format") != "tallyroom-election-key-v1":
            raise ShareError(stored(not_valid, why=stored(gettext_noop("not a tallyroom election key file"))))
        try:
            key = cls(
                bytes.fromhex(data["public"]),
                bytes.fromhex(data["wrapped"]),
                int(data["threshold"]),
                tuple(data["trustees"]),
                tuple(data["share_digests"]),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ShareError(stored(not_valid, why=str(e))) from None
        if len(key.public) != 32 or not 1 <= key.threshold <= len(key.trustees) == len(key.share_digests):
            raise ShareError(stored(gettext_noop("not a valid election key file: its sizes do not agree")))
        return key


@dataclass(frozen=True)
class Share:
    """One trustee's share, as the text they keep: ``tallyroom-share-v1:<key>:<n>:<hex>``."""

    fingerprint: str
    index: int
    secret: bytes

    @property
    def text(self) -> str:
        return f"{SHARE_PREFIX}:{self.fingerprint}:{self.index}:{self.secret.hex()}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @classmethod
    def parse(cls, text: str) -> Share:
        found = SHARE_PATTERN.search(text.strip().lower())
        if not found:
            raise ShareError(NOT_A_SHARE)
        return cls(found[1], int(found[2]), bytes.fromhex(found[3]))


def ceremony(trustees: Sequence[str], threshold: int) -> tuple[PublicKey, list[Share]]:
    """A new election key shared among ``trustees``, any ``threshold`` of whom can open the box."""
    names = [t.strip() for t in trustees]
    if len(names) < 1 or any(not n for n in names) or len(set(names)) != len(names):
        raise ShareError(stored(gettext_noop("name each trustee once")))
    if not 1 <= threshold <= len(names):
        raise ShareError(
            stored(
                gettext_noop("the threshold must be from 1 to %(n)s (the trustees), not %(threshold)s"),
                n=len(names),
                threshold=threshold,
            )
        )
    private = PrivateKey.generate()
    wrap_key = random_bytes(16)
    nonce = random_bytes(12)
    public = bytes(private.public_key)
    wrapped = nonce + AESGCM(wrap_key).encrypt(nonce, bytes(private), public)
    fingerprint = hashlib.sha256(public).hexdigest()[:16]
    if threshold == 1:
        pieces = [(i, wrap_key) for i in range(1, len(names) + 1)]
    else:
        pieces = Shamir.split(threshold, len(names), wrap_key, ssss=False)
    shares = [Share(fingerprint, i, bytes(s)) for i, s in pieces]
    key = PublicKey(public, wrapped, threshold, tuple(names), tuple(s.digest for s in shares))
    return key, shares


def recover(key: PublicKey, texts: Iterable[str]) -> PrivateKey:
    """The private key from ``threshold`` or more shares, each checked against the ceremony's
    digests first; ShareError names the share that is wrong, missing or from another key."""
    shares: dict[int, Share] = {}
    for position, text in enumerate(texts, 1):
        if not text.strip():
            continue
        try:
            share = Share.parse(text)
        except ShareError:
            raise ShareError(
                stored(
                    gettext_noop("share %(position)s: %(problem)s"), position=position, problem=NOT_A_SHARE
                )
            ) from None
        if share.fingerprint != key.fingerprint:
            raise ShareError(
                stored(
                    gettext_noop("share %(position)s belongs to another election's key (%(fingerprint)s)"),
                    position=position,
                    fingerprint=share.fingerprint,
                )
            )
        if not 1 <= share.index <= len(key.trustees):
            raise ShareError(
                stored(
                    gettext_noop("share %(position)s names trustee %(index)s, of %(n)s"),
                    position=position,
                    index=share.index,
                    n=len(key.trustees),
                )
            )
        trustee = key.trustees[share.index - 1]
        if share.digest != key.share_digests[share.index - 1]:
            raise ShareError(
                stored(
                    gettext_noop(
                        "share %(position)s (%(trustee)s's) is not the share made at the ceremony: "
                        "it was mistyped or tampered with"
                    ),
                    position=position,
                    trustee=trustee,
                )
            )
        if share.index in shares:
            raise ShareError(stored(gettext_noop("%(trustee)s's share was given twice"), trustee=trustee))
        shares[share.index] = share
    if len(shares) < key.threshold:
        raise ShareError(
            stored(
                gettext_noop("%(threshold)s trustees' shares are needed to open the box; %(given)s given"),
                threshold=key.threshold,
                given=len(shares),
            )
        )
    chosen = sorted(shares.values(), key=lambda s: s.index)[: key.threshold]
    if key.threshold == 1:
        wrap_key = chosen[0].secret
    else:
        wrap_key = Shamir.combine([(s.index, s.secret) for s in chosen], ssss=False)
    try:
        private = AESGCM(wrap_key).decrypt(key.wrapped[:12], key.wrapped[12:], key.public)
    except InvalidTag:
        raise ShareError(stored(gettext_noop("the shares do not open this election's key"))) from None
    return PrivateKey(private)


def pad_size(names: Iterable[str]) -> int:
    """The fixed plaintext size of a contest's sealed ballots: room for every candidate named, a
    weight and a college, rounded up to a whole number of ``PAD_BLOCK`` bytes."""
    room = 256 + sum(len(json.dumps(n)) + 2 for n in names)
    return -(-room // PAD_BLOCK) * PAD_BLOCK


def seal(public: bytes, content: dict, size: int) -> bytes:
    """``content`` as JSON, padded with spaces to ``size`` bytes, sealed to ``public``."""
    plain = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    if len(plain) > size:
        raise ValueError(f"a ballot of {len(plain)} bytes does not fit its contest's {size}")
    return SealedBox(NaclPublicKey(public)).encrypt(plain.ljust(size))


def opener(private: PrivateKey):
    """A function opening sealed ballots with ``private``; ShareError for one that will not open."""
    box = SealedBox(private)

    def open_(sealed: bytes) -> dict:
        try:
            return json.loads(box.decrypt(sealed))
        except (CryptoError, ValueError):
            raise ShareError(NOT_OPENED) from None

    return open_
