"""An exported audit trail from a hostile source (``tallyroom audit verify`` runs anywhere, on
files from anyone): every one is read and judged, or refused with a TrailFileError that names
the file and a line within it, never another exception."""

import json
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.audit.trail import (
    CERTIFY,
    FORMAT,
    GENESIS,
    TrailFileError,
    canonical,
    chain_hash,
    key_id,
    read_trail,
    verify_trail,
)

from .strategies import EXAMPLES

FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SITE, ELECTION = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


def raw(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def valid_lines() -> list[dict]:
    """A small, right export: the election's key certified, one event of it, a published count."""
    site_id, election_id = key_id(bytes.fromhex(raw(SITE))), key_id(bytes.fromhex(raw(ELECTION)))
    lines, prev = [], GENESIS
    specs = [
        (CERTIFY, "election:1", {"election": 1, "key_id": election_id, "public_key": raw(ELECTION)}, None),
        ("contest.publish", "contest:1", {"count": 7, "elected": ["Ann"], "ballots_sha256": "ab"}, 1),
    ]
    for seq, (verb, subject, data, election) in enumerate(specs, 1):
        at = f"2026-12-0{seq}T10:00:00+00:00"
        digest = chain_hash(prev, canonical(at, "ro", verb, subject, data, election))
        key, kid = (SITE, site_id) if election is None else (ELECTION, election_id)
        lines.append(
            {
                "kind": "event", "seq": seq, "at": at, "actor": "ro", "verb": verb, "subject": subject,
                "data": data, "prev_hash": prev, "hash": digest, "election": election,
                "signature": key.sign(digest.encode()).hex(), "key_id": kid,
            }
        )  # fmt: skip
        prev = digest
    header = {
        "kind": "trail", "format": FORMAT, "version": 2, "head": prev, "events": 2,
        "public_keys": {site_id: raw(SITE)},
        "election_keys": {election_id: {"election": 1, "slug": "e", "public_key": raw(ELECTION)}},
    }  # fmt: skip
    count = {
        "kind": "count",
        "id": 7,
        "contest": "e/c",
        "election": 1,
        "elected": ["Ann"],
        "ballots_sha256": "ab",
    }
    return [header, *lines, count]


def test_the_right_export_verifies():
    lines = [json.dumps(line) for line in valid_lines()]
    assert verify_trail(read_trail("t.jsonl", lines)) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def hostile_exports(draw) -> list[str]:
    """The right export with some fields replaced by any JSON, some removed, some lines dropped,
    repeated or replaced by any text."""
    lines = valid_lines()
    for _ in range(draw(st.integers(0, 4))):
        line = lines[draw(st.integers(0, len(lines) - 1))]
        field = draw(st.sampled_from(sorted(line)))
        if draw(st.booleans()):
            line[field] = draw(JSON)
        else:
            del line[field]
    texts = [json.dumps(line) for line in lines]
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(texts)))
        texts.insert(at, draw(st.sampled_from([texts[0], texts[-1], ""]) | st.text(max_size=20)))
    return texts


@FUZZ
@given(hostile_exports(), st.sampled_from([None, "", "zz", "0" * 16, GENESIS]))
def test_a_hostile_export_is_judged_or_refused_naming_file_and_line(lines, head):
    try:
        trail = read_trail("t.jsonl", lines)
    except TrailFileError as e:
        found = re.match(r"t\.jsonl(:(\d+))?: \S", str(e))
        assert found, str(e)
        assert found.group(2) is None or 1 <= int(found.group(2)) <= len(lines)
        return
    problems = verify_trail(trail, published_head=head, keys=["0" * 16] if head == GENESIS else [])
    assert all(isinstance(p, str) and p for p in problems)
