"""Each election signs its events, and so its counts, with its own Ed25519 key, sealed in the
database under the site key (a file), certified in the trail by the site key and published on
the election's pages and downloads.

The attack: an insider with write access to the database (but not to the key file) rewrites a
published count and its events, recomputes every hash, and signs them again — with a key of
their own, put in the election's key row, since the real one does not open without the site key.
Both the audit page and the offline check catch it.
"""

import json
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

import builders as build
from tallyroom.audit import election_keys, signing
from tallyroom.audit.events import record, verify
from tallyroom.audit.export import export_lines
from tallyroom.audit.models import Event, SigningKey
from tallyroom.audit.trail import key_id
from tallyroom.cli import main
from tallyroom.elections.models import Election
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results.models import ContestCount

from .test_tamper import rewrite_elected

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(closed_election, officer):
    count = count_contest(closed_election.contests.get(slug="chair"), officer)
    publish(count, officer)
    return ContestCount.objects.get(pk=count.pk)


def offline(tmp_path, capsys, *options, lines=None) -> tuple[int, str]:
    path = tmp_path / "trail.jsonl"
    path.write_text("".join(lines if lines is not None else export_lines()), encoding="utf-8")
    status = main(["audit", "verify", str(path), *options])
    out = capsys.readouterr()
    return status, out.out + out.err


def test_an_election_gets_its_own_key_when_made_certified_by_the_site_key(draft_election):
    key = SigningKey.objects.get(election=draft_election)
    certificate = Event.objects.get(verb="audit.election_key", subject=f"election:{draft_election.pk}")
    assert certificate.election_pk is None  # signed with the site key ...
    assert certificate.data == {
        "election": draft_election.pk,
        "key_id": key.key_id,
        "public_key": key.public_key,
    }
    contest = draft_election.contests.get(slug="chair")
    event = record(None, "roll.build", f"contest:{contest.pk}")
    assert (event.election_pk, event.key_id) == (draft_election.pk, key.key_id)  # ... its events with its own
    other = make_other_election(draft_election)
    assert other.signing_key.key_id != key.key_id
    assert record(None, "organisation.import", "units").election_pk is None
    assert verify() == []


def test_the_private_key_is_never_in_the_database_in_the_clear(draft_election, settings, tmp_path):
    key = SigningKey.objects.get(election=draft_election)
    private = election_keys.private_key(key)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    assert raw not in bytes(key.sealed) and raw.hex() not in repr(SigningKey.objects.values().get(pk=key.pk))
    election_keys._unseal.cache_clear()
    settings.TALLYROOM_SIGNING_KEY_FILE = tmp_path / "another-site-key.pem"  # a database moved elsewhere
    with pytest.raises(election_keys.SealError, match="does not open with this server's site key"):
        election_keys.private_key(key)
    election_keys._unseal.cache_clear()


def test_the_elections_pages_and_downloads_publish_its_key(published, clients):
    key = published.contest.election.signing_key
    page = clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "chair"])).content.decode()
    assert f"<code>{key.key_id}</code>" in page and key.public_key in page
    download = clients["anonymous"].get(
        reverse("results:download", args=["vale-2026", "chair", "result.json"])
    )
    assert download["X-Tallyroom-Election-Key"] == f"vale-2026 {key.key_id} {key.public_key}"
    pem = clients["anonymous"].get(reverse("audit:election_public_key", args=["vale-2026"])).content
    public = serialization.load_pem_public_key(pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert key_id(public) == key.key_id
    audit = clients["scrutineer"].get(reverse("audit:events")).content.decode()
    assert f"<code>{key.key_id}</code>" in audit and "The chain verifies" in audit


def test_an_untouched_trail_verifies_offline_pinned_to_the_election_key(published, tmp_path, capsys):
    key = published.contest.election.signing_key
    status, out = offline(tmp_path, capsys, "--key", key.key_id)
    assert status == 0, out
    assert f"election keys {key.key_id} (vale-2026)" in out and "1 published counts match" in out
    header = json.loads(next(export_lines()))
    assert header["version"] == 2
    assert header["election_keys"][key.key_id] == {
        "election": key.election_id,
        "slug": "vale-2026",
        "public_key": key.public_key,
    }


def resign_with_own_key(election: Election) -> Ed25519PrivateKey:
    """The insider's key put in the election's key row, every hash recomputed, and the election's
    events signed again with it (the site's own events cannot be: they keep their signatures)."""
    mine = Ed25519PrivateKey.generate()
    public = mine.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    SigningKey.objects.filter(election=election).update(key_id=key_id(public), public_key=public.hex())
    prev = "0" * 64
    for event in Event.objects.order_by("seq"):
        event.prev_hash = prev
        event.hash = event.compute_hash()
        if event.election_pk == election.pk:
            event.signature, event.key_id = mine.sign(event.hash.encode()).hex(), key_id(public)
        event.save(update_fields=["prev_hash", "hash", "signature", "key_id"])
        prev = event.hash
    return mine


def test_an_insider_rewriting_a_count_and_signing_with_their_own_key_is_caught(
    published, clients, tmp_path, capsys
):
    election = published.contest.election
    real = election.signing_key.key_id
    rewrite_elected(published, ["Ann"])
    resign_with_own_key(election)
    assert ContestCount.objects.get(pk=published.pk).elected == ["Ann"]
    problems = verify()
    assert any("does not open with this server's site key" in p for p in problems)  # the row is not sealed
    assert any("which no earlier site-signed audit.election_key event certifies" in p for p in problems)
    assert "The chain does not verify" in clients["scrutineer"].get(reverse("audit:events")).content.decode()
    status, out = offline(tmp_path, capsys)  # the export carries the insider's key; it is not certified
    assert status == 1 and f"certifies for election {election.pk}" in out
    status, out = offline(tmp_path, capsys, "--key", real)  # and the key published earlier is gone
    assert status == 1 and f"the trail is not signed with key {real}" in out


def test_forging_the_certificate_too_needs_the_site_key(published, tmp_path, capsys):
    election = published.contest.election
    rewrite_elected(published, ["Ann"])
    mine = resign_with_own_key(election)
    key = SigningKey.objects.get(election=election)
    certificate = Event.objects.get(verb="audit.election_key", subject=f"election:{election.pk}")
    certificate.data = {"election": election.pk, "key_id": key.key_id, "public_key": key.public_key}
    certificate.save(update_fields=["data"])
    prev = "0" * 64
    for event in Event.objects.order_by("seq"):  # rehash; sign what can be signed with the insider's key
        event.prev_hash, event.hash = prev, ""
        event.hash = event.compute_hash()
        if event.election_pk == election.pk:
            event.signature = mine.sign(event.hash.encode()).hex()
        event.save(update_fields=["prev_hash", "hash", "signature"])
        prev = event.hash
    status, out = offline(tmp_path, capsys)
    assert status == 1
    assert f"event {certificate.seq}: the signature does not match" in out


def test_an_event_moved_to_another_election_or_signed_by_its_key_is_caught(published, tmp_path, capsys):
    election = published.contest.election
    other = make_other_election(election)
    event = Event.objects.get(verb="contest.publish")
    Event.objects.filter(pk=event.pk).update(election_pk=other.pk)  # the election is in the hash
    assert any(f"event {event.seq}: hash does not match" in p for p in verify())
    Event.objects.filter(pk=event.pk).update(election_pk=election.pk)
    stolen = election_keys.private_key(other.signing_key)  # one election's key leaked: not another's
    Event.objects.filter(pk=event.pk).update(
        key_id=other.signing_key.key_id, signature=stolen.sign(event.hash.encode()).hex()
    )
    status, out = offline(tmp_path, capsys)
    assert status == 1
    wrong = f"an event of election {election.pk}, but signed with the key of election {other.pk}"
    assert f"event {event.seq}: {wrong}" in out


def make_other_election(like: Election) -> Election:
    opens, closes = like.voting_opens, like.voting_closes
    return build.election("other", name="Other", opens=opens, closes=closes, freeze_date=like.freeze_date)


def test_a_version_1_export_is_still_read(tmp_path, capsys):
    record(None, "organisation.import", "units", created=3)
    record(None, "roll.decision", "roll-entry:5", eligible=True)
    lines = [json.loads(line) for line in export_lines()]
    lines[0]["version"] = 1
    del lines[0]["election_keys"]
    for line in lines[1:]:
        del line["election"]
    status, out = offline(tmp_path, capsys, lines=[json.dumps(line) + "\n" for line in lines])
    assert status == 0, out
    assert "2 events signed with site key" in out


def test_an_unknown_export_version_is_a_clear_error(tmp_path, capsys):
    record(None, "organisation.import", "units", created=3)
    lines = [json.loads(line) for line in export_lines()]
    lines[0]["version"] = 3
    status, out = offline(tmp_path, capsys, lines=[json.dumps(line) + "\n" for line in lines])
    assert status != 0 and re.search(r"trail\.jsonl:1: version 3 is not one of \(1, 2\)", out)


def test_the_old_database_trail_of_an_election_before_keys_still_verifies(draft_election):
    SigningKey.objects.filter(election=draft_election).delete()  # as before this release
    Event.objects.filter(verb="audit.election_key").delete()
    prev = "0" * 64
    for event in Event.objects.order_by("seq"):
        event.prev_hash, event.election_pk = prev, None
        event.hash = event.compute_hash()
        event.signature, event.key_id = signing.sign(event.hash), signing.current_key_id()
        event.save()
        prev = event.hash
    event = record(None, "roll.build", f"election:{draft_election.pk}")  # its first event makes its key
    assert event.key_id == SigningKey.objects.get(election=draft_election).key_id
    assert verify() == []


def test_a_deleted_elections_key_stays_and_its_events_still_verify(draft_election, tmp_path, capsys):
    record(None, "roll.build", f"election:{draft_election.pk}")
    kid = draft_election.signing_key.key_id
    draft_election.delete()
    assert SigningKey.objects.select_related("election").get(key_id=kid).election is None
    assert verify() == []
    status, out = offline(tmp_path, capsys, "--key", kid)
    assert status == 0, out
