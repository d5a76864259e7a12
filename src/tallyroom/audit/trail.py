"""The audit trail as data, checked without Django or a database: its hash chain, its Ed25519
signatures, the published counts against their events, and a published head.

An exported trail (``export.py`` writes it; docs/security.md) is JSON lines: a ``trail`` header
with the site's public key, every election's public key and the head, then every ``event`` in
order, then every published ``count``. ``verify_trail`` says what is wrong with one, an empty
list meaning nothing. Version 1 exports (one site key, no election keys) are still read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64
FORMAT = "tallyroom-audit-trail"
VERSION = 2
READS = (1, 2)
CERTIFY = "audit.election_key"


def canonical(
    at: str, actor: str, verb: str, subject: str, data: Mapping[str, Any], election: int | None = None
) -> str:
    """An event's contents as the one JSON text its hash covers (``election`` only when it has
    one, so events of the site, and those recorded before elections had keys, hash as before)."""
    fields = {"at": at, "actor": actor, "verb": verb, "subject": subject, "data": data}
    if election is not None:
        fields["election"] = election
    return json.dumps(
        fields,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def chain_hash(prev_hash: str, text: str) -> str:
    """SHA-256 over the previous event's hash and this event's canonical JSON."""
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def key_id(public_raw: bytes) -> str:
    """A public key's short name: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def signature_holds(public_raw: bytes, event_hash: str, signature_hex: str) -> bool:
    """Whether ``signature_hex`` is the key's Ed25519 signature of ``event_hash`` (its ASCII)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(
            bytes.fromhex(signature_hex), event_hash.encode("ascii")
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def elected_of(result_json: str) -> list[str]:
    return list(json.loads(result_json)["elected"])


@dataclass
class Trail:
    """What ``verify_trail`` reads: the site's public keys by id, the elections' keys (id to
    ``{"election": pk, "public_key": hex, "slug": ...}``), events and published counts as dicts
    (the fields of an export's lines), and the head the trail claims."""

    keys: dict[str, bytes]
    events: Iterable[Mapping[str, Any]]
    election_keys: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    counts: list[Mapping[str, Any]] = field(default_factory=list)
    head: str | None = None


def verify_trail(trail: Trail, *, published_head: str | None = None, keys: Iterable[str] = ()) -> list[str]:
    """Problems with ``trail``: a broken chain, an altered event, a missing or false signature,
    an election's event not signed by that election's key or by a key the site's key did not
    certify for it, a published count that differs from its ``contest.publish`` event, a claimed
    head that is not the last event, and ``published_head`` (a hash, or its first 16 or more
    digits) not in the chain (events removed or rewritten since it was published). ``keys`` pins
    signing keys' ids (the site's or an election's) the trail must use."""
    problems: list[str] = []
    for key in keys:
        if key not in trail.keys and key not in trail.election_keys:
            named = ", ".join([*trail.keys, *trail.election_keys]) or "none"
            problems.append(f"the trail is not signed with key {key} (it names {named})")
    prev, last_seq, unsigned = GENESIS, 0, []
    hashes: list[str] = []
    certified: dict[str, tuple[int, str]] = {}
    published: dict[int, list[Mapping[str, Any]]] = {}
    for event in trail.events:
        seq = event["seq"]
        if seq <= last_seq:
            problems.append(f"event {seq}: out of order (after event {last_seq})")
        if event["prev_hash"] != prev:
            problems.append(f"event {seq}: prev_hash does not match the event before it")
        text = canonical(
            event["at"], event["actor"], event["verb"], event["subject"], event["data"], event.get("election")
        )
        if chain_hash(event["prev_hash"], text) != event["hash"]:
            problems.append(f"event {seq}: hash does not match its contents")
        if not event.get("signature"):
            unsigned.append(seq)
        else:
            problem = _signature_problem(trail, event, certified)
            if problem:
                problems.append(f"event {seq}: {problem}")
            elif event["verb"] == CERTIFY and event.get("election") is None:
                data = event["data"]
                certified[str(data.get("key_id"))] = (data.get("election"), str(data.get("public_key")))
        if event["verb"] == "contest.publish":
            number = event["data"].get("count")
            published.setdefault(number if isinstance(number, int) else repr(number), []).append(event)
        prev, last_seq = event["hash"], seq
        hashes.append(event["hash"])
    if unsigned:
        problems.append(f"{len(unsigned)} event(s) not signed: {_seqs(unsigned)}")
    if trail.head is not None and trail.head != prev:
        problems.append(f"the trail claims head {trail.head} but its last event is {prev}")
    if published_head is not None:
        problems += _check_head(published_head.strip().lower(), hashes)
    problems += _check_counts(trail.counts, published)
    return problems


def _signature_problem(
    trail: Trail, event: Mapping[str, Any], certified: Mapping[str, tuple[int, str]]
) -> str | None:
    """What is wrong with a signed event's signature, or None. A site event must be signed by a
    site key; an election's event by that election's key, certified earlier in the chain by a
    site-signed ``audit.election_key`` event."""
    kid, election = event.get("key_id") or "", event.get("election")
    if election is None:
        public = trail.keys.get(kid)
        if public is None:
            if kid in trail.election_keys:
                return f"a site event, but signed with election key {kid}"
            return f"signed with key {kid!r}, which the trail does not give"
    else:
        given = trail.election_keys.get(kid)
        if given is None:
            return f"signed with key {kid!r}, which the trail does not give"
        if given["election"] != election:
            return f"an event of election {election}, but signed with the key of election {given['election']}"
        if certified.get(kid) != (election, given["public_key"]):
            return (
                f"signed with key {kid}, which no earlier site-signed {CERTIFY} event certifies "
                f"for election {election}"
            )
        public = bytes.fromhex(given["public_key"])
    if not signature_holds(public, event["hash"], event["signature"]):
        return "the signature does not match (altered, or signed by another key)"
    return None


def _seqs(seqs: list[int]) -> str:
    return ", ".join(map(str, seqs[:10])) + (f" and {len(seqs) - 10} more" if len(seqs) > 10 else "")


def _check_head(head: str, hashes: list[str]) -> list[str]:
    if len(head) < 16:
        return [f"the published head {head!r} is too short: give at least 16 hex digits"]
    if not any(h.startswith(head) for h in hashes):
        return [f"the published head {head} is not in the trail: events were removed or rewritten after it"]
    return []


def _check_counts(
    counts: list[Mapping[str, Any]], published: dict[int, list[Mapping[str, Any]]]
) -> list[str]:
    problems = []
    for count in counts:
        events = published.pop(count["id"], [])
        name = f"count {count['id']} ({count.get('contest', '')})"
        if len(events) != 1:
            problems.append(f"{name}: published, but {len(events)} contest.publish events name it")
            continue
        data, seq = events[0]["data"], events[0]["seq"]
        if count.get("election") is not None and events[0].get("election") != count["election"]:
            problems.append(
                f"{name}: of election {count['election']}, but its contest.publish event {seq} is "
                f"signed as election {events[0].get('election')}'s"
            )
        if data.get("elected", []) != list(count["elected"]):
            problems.append(
                f"{name}: elected {count['elected']} but its contest.publish event {seq} "
                f"says {data.get('elected')}"
            )
        if data.get("ballots_sha256") != count["ballots_sha256"]:
            problems.append(f"{name}: its ballots' SHA-256 differs from its contest.publish event {seq}")
        if "result_sha256" in data and data["result_sha256"] != count.get("result_sha256"):
            problems.append(f"{name}: its result's SHA-256 differs from its contest.publish event {seq}")
    for number, events in published.items():
        problems.append(f"event {events[0]['seq']}: publishes count {number}, which is not a published count")
    return problems


class TrailFileError(ValueError):
    """An export that cannot be read; the message names the file and line."""


def read_trail(path: str, lines: Iterable[str]) -> Trail:
    """An exported trail from its lines; ``TrailFileError`` names ``path`` and the line."""
    keys: dict[str, bytes] = {}
    election_keys: dict[str, dict] = {}
    events: list[dict] = []
    counts: list[dict] = []
    head = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("a line must be a JSON object")
            kind = item["kind"]
            if number == 1 and (kind != "trail" or item.get("format") != FORMAT):
                raise TrailFileError(f"{path}:1: not a tallyroom audit trail export (no trail header)")
            if kind == "trail":
                if item.get("version") not in READS:
                    raise TrailFileError(
                        f"{path}:{number}: version {item.get('version')!r} is not one of {READS}"
                    )
                keys = {k: _public(v) for k, v in _object(item["public_keys"], "public_keys").items()}
                given = _object(item.get("election_keys", {}), "election_keys")
                election_keys = {k: _election_key(v) for k, v in given.items()}
                head = _typed(item, "head", str, None)
            elif kind == "event":
                events.append(_event(item))
            elif kind == "count":
                counts.append(_count(item))
            else:
                raise TrailFileError(f"{path}:{number}: unknown kind {kind!r}")
        except TrailFileError:
            raise
        except json.JSONDecodeError as e:
            raise TrailFileError(f"{path}:{number}: not JSON: {e.msg} (column {e.colno})") from None
        except (ValueError, KeyError, TypeError) as e:
            problem = f"missing {e}" if isinstance(e, KeyError) else str(e).split("\n")[0]
            raise TrailFileError(f"{path}:{number}: not a trail line: {problem}") from None
    if not keys and not events:
        raise TrailFileError(f"{path}: empty: no trail header")
    return Trail(keys=keys, election_keys=election_keys, events=events, counts=counts, head=head)


_REQUIRED = object()


def _typed(item: dict, name: str, *types, default=_REQUIRED):
    """``item[name]`` (or ``default`` if it has none and one is given) if it is of one of
    ``types`` (None among them: may be null); else ValueError. ``true`` is not a number here."""
    value = item[name] if default is _REQUIRED else item.get(name, default)
    allowed = tuple(type(None) if t is None else t for t in types)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        raise ValueError(f"{name} must be {' or '.join('null' if t is None else t.__name__ for t in types)}")
    return value


def _object(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object")
    return value


def _public(value) -> bytes:
    if not isinstance(value, str) or len(bytes.fromhex(value)) != 32:
        raise ValueError("a public key must be 32 bytes in hex")
    return bytes.fromhex(value)


def _election_key(item) -> dict:
    item = _object(item, "an election key")
    _public(item["public_key"])
    return {
        "election": _typed(item, "election", int),
        "public_key": item["public_key"],
        "slug": _typed(item, "slug", str, default=""),
    }


def _event(item: dict) -> dict:
    event = {k: _typed(item, k, str) for k in ("at", "actor", "verb", "subject", "prev_hash", "hash")}
    return event | {
        "seq": _typed(item, "seq", int),
        "data": _object(item["data"], "data"),
        "signature": _typed(item, "signature", str, default=""),
        "key_id": _typed(item, "key_id", str, default=""),
        "election": _typed(item, "election", int, None, default=None),
    }


def _count(item: dict) -> dict:
    elected = _typed(item, "elected", list)
    if not all(isinstance(name, str) for name in elected):
        raise ValueError("elected must be a list of names")
    return item | {
        "id": _typed(item, "id", int),
        "contest": _typed(item, "contest", str, default=""),
        "election": _typed(item, "election", int, None, default=None),
        "ballots_sha256": _typed(item, "ballots_sha256", str),
        "result_sha256": _typed(
            item | {"result_sha256": item.get("result_sha256")}, "result_sha256", str, None
        ),
    }
