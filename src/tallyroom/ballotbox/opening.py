"""Opening sealed ballots a batch at a time, in worker processes across the machine's cores.
No Django here: the workers are started afresh (``spawn``) and import only this module.

A batch is one contest's sealed ballots as (tracker, channel, sealed, mac) rows. For each row the
worker computes the line the close record's digest covers, checks the server's MAC and only then
opens the ballot (libsodium's sealed box, as ``keys.seal`` sealed it, with the private key the
workers were started with). It returns
what the box needs to check the whole contest and store it; the parent process checks the
contest's count, digest and MACs against the close record before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from nacl.bindings import crypto_box_seal_open
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

Row = tuple[str, str, bytes, str]  # tracker, channel, sealed, mac


def box_mac(key: bytes, contest_id: int, tracker: str, channel: str, sealed_sha256: str) -> str:
    """HMAC-SHA256 under ``key`` of a sealed ballot's contest, tracker, channel and the SHA-256
    (hex) of its ciphertext."""
    message = f"{contest_id}:{tracker}:{channel}:{sealed_sha256}".encode()
    return hmac.digest(key, message, "sha256").hex()


def digest_line(tracker: str, channel: str, sealed_sha256: str, mac: str) -> str:
    """A sealed ballot's line in its contest's digest (``box._digest``)."""
    return f"{tracker}:{channel}:{sealed_sha256}:{mac}\n"


@dataclass
class Opened:
    """What one batch held: each row's digest line; the opened ballots as (preferences as JSON,
    weight, college, region code: "" unless the contest is shown by region), in the batch's
    order; the first tracker whose MAC is wrong and the first that would not open ("" if none),
    whose rows are left unopened."""

    lines: list[str]
    ballots: list[tuple[str, str, str, str]]
    forged: str = ""
    unreadable: str = ""


class Opener:
    """Opens batches with the election's private key and the server's MAC key."""

    def __init__(self, private: bytes, mac_key: bytes):
        self._public, self._private = bytes(PrivateKey(private).public_key), private
        self._mac_key = mac_key

    def __call__(self, contest_id: int, rows: Sequence[Row]) -> Opened:
        out = Opened([], [])
        for tracker, channel, sealed, mac in rows:
            sha = hashlib.sha256(sealed).hexdigest()
            out.lines.append(digest_line(tracker, channel, sha, mac))
            expected = box_mac(self._mac_key, contest_id, tracker, channel, sha)
            if not hmac.compare_digest(mac.encode(), expected.encode()):
                out.forged = out.forged or tracker
                continue
            try:
                content = json.loads(crypto_box_seal_open(sealed, self._public, self._private))
            except (CryptoError, ValueError):
                out.unreadable = out.unreadable or tracker
                continue
            weight, college, region = (sys.intern(content.get(k, "")) for k in "wcr")
            out.ballots.append((json.dumps(content["p"]), weight, college, region))
        return out


_opener: Opener | None = None


def start_worker(private: bytes, mac_key: bytes) -> None:
    """A worker process's initialiser: the key it opens with until it exits."""
    global _opener
    _opener = Opener(private, mac_key)


def open_in_worker(contest_id: int, rows: Sequence[Row]) -> Opened:
    return _opener(contest_id, rows)
