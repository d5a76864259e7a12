"""A published result cannot be rewritten quietly.

The attack of the security review: with SQL, edit the published count's elected list and the
matching audit events, recompute every hash (plain SHA-256 needs no key), and delete the last
event. Now each event is signed with a key the database does not hold, every published count is
compared with its ``contest.publish`` event, and a head published earlier shows the truncation.
"""

import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from tallyroom.audit.events import record, verify
from tallyroom.audit.export import export_lines
from tallyroom.audit.models import Event
from tallyroom.cli import main
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results.models import ContestCount

pytestmark = pytest.mark.django_db
AUDIT = reverse("audit:events")


@pytest.fixture
def published(closed_election, officer, clients):
    """The chair published (Bob elected), one event after it, and the head a reader noted then
    from the public page."""
    count = count_contest(closed_election.contests.get(slug="chair"), officer)
    publish(count, officer)
    record(officer, "roll.export", "contest:1")
    page = clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "chair"])).content.decode()
    head = re.search(r'head <code class="hash">([0-9a-f]{64})</code>', page).group(1)
    assert head == Event.objects.order_by("-seq").first().hash
    return ContestCount.objects.get(pk=count.pk), head


def rewrite_elected(count: ContestCount, elected: list[str], events=True) -> None:
    """What the insider did with SQL."""
    result = json.loads(count.result_json)
    result["elected"] = elected
    ContestCount.objects.filter(pk=count.pk).update(result_json=json.dumps(result, indent=2) + "\n")
    if events:
        for event in Event.objects.filter(
            verb__in=["contest.count", "contest.publish"], data__count=count.pk
        ):
            event.data["elected"] = elected
            event.save(update_fields=["data"])


def recompute_hashes(sign=None) -> None:
    prev = "0" * 64
    for event in Event.objects.order_by("seq"):
        event.prev_hash = prev
        event.hash = event.compute_hash()
        if sign is not None:
            event.signature, event.key_id = sign(event.hash), "ffffffffffffffff"
        event.save(update_fields=["prev_hash", "hash", "signature", "key_id"])
        prev = event.hash


def verify_export(tmp_path, capsys, *options) -> tuple[int, str]:
    path = tmp_path / "trail.jsonl"
    path.write_text("".join(export_lines()), encoding="utf-8")
    status = main(["audit", "verify", str(path), *options])
    out = capsys.readouterr()
    return status, out.out + out.err


def test_an_untouched_trail_verifies_offline_with_its_published_head(published, clients, tmp_path, capsys):
    count, head = published
    assert "The chain verifies" in clients["scrutineer"].get(AUDIT).content.decode()
    key = re.search(
        r'signed with key <a href="[^"]+"><code>([0-9a-f]{16})</code>',
        clients["anonymous"].get("/").content.decode(),
    ).group(1)
    status, out = verify_export(tmp_path, capsys, "--head", head, "--key", key)
    assert status == 0, out
    assert "the trail verifies" in out and "1 published counts match their events" in out


def test_the_reviewed_attack_is_detected(published, clients, tmp_path, capsys):
    count, head = published
    rewrite_elected(count, ["Ann"])
    recompute_hashes()
    Event.objects.order_by("-seq").first().delete()
    assert ContestCount.objects.get(pk=count.pk).elected == ["Ann"]  # the public page would show Ann ...
    page = clients["scrutineer"].get(AUDIT).content.decode()
    assert "The chain does not verify" in page and "signature does not match" in page  # ... but not quietly
    status, out = verify_export(tmp_path, capsys, "--head", head)
    assert status == 1
    assert "the signature does not match" in out
    assert f"the published head {head} is not in the trail" in out


def test_signing_again_with_another_key_is_detected(published, clients, tmp_path, capsys):
    count, head = published
    rewrite_elected(count, ["Ann"])
    recompute_hashes(sign=lambda h: Ed25519PrivateKey.generate().sign(h.encode()).hex())
    assert any("signed with key 'ffffffffffffffff'" in p for p in verify())
    status, out = verify_export(tmp_path, capsys)
    assert status == 1 and "signed with key 'ffffffffffffffff', which the trail does not give" in out


def test_a_count_edited_alone_differs_from_its_signed_event(published, clients, tmp_path, capsys):
    count, _ = published
    rewrite_elected(count, ["Ann"], events=False)
    problems = verify()
    seq = Event.objects.get(verb="contest.publish").seq
    where = f"count {count.pk} (vale-2026/chair)"
    assert problems == [
        f"{where}: elected ['Ann'] but its contest.publish event {seq} says ['Bob']",
        f"{where}: its result's SHA-256 differs from its contest.publish event {seq}",
    ]
    status, out = verify_export(tmp_path, capsys)
    assert status == 1 and "elected ['Ann'] but its contest.publish event" in out


def test_cutting_the_trail_short_is_caught_against_the_published_head(published, tmp_path, capsys):
    _, head = published
    Event.objects.order_by("-seq").first().delete()  # needs no rehashing: the chain before is intact
    assert verify() == []  # the database alone cannot tell ...
    assert verify_export(tmp_path, capsys)[0] == 0
    status, out = verify_export(tmp_path, capsys, "--head", head)  # ... a head kept elsewhere can
    assert status == 1 and "is not in the trail" in out


def test_every_download_names_the_head(published, clients):
    _, head = published
    response = clients["anonymous"].get(
        reverse("results:download", args=["vale-2026", "chair", "result.json"])
    )
    seq, value = response["X-Tallyroom-Audit-Head"].split()
    assert value == Event.objects.order_by("-seq").first().hash and int(seq) > 0
    assert re.fullmatch(r"[0-9a-f]{16}", response["X-Tallyroom-Audit-Key"])
    assert "BEGIN PUBLIC KEY" in clients["anonymous"].get(reverse("audit:public_key")).content.decode()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("staff", 403), ("scrutineer", 200)])
def test_scrutineers_download_the_trail(published, clients, who, status):
    response = clients[who].get(reverse("audit:export"))
    assert response.status_code == status
    if status == 200:
        lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        assert lines[0]["kind"] == "trail" and lines[-1]["kind"] == "count"
        assert [e["verb"] for e in lines if e["kind"] == "event"][-1] == "audit.export"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty: no trail header"),
        ("not json\n", ":1: not JSON: Expecting value"),
        ('{"kind": "event"}\n', ":1: not a tallyroom audit trail export"),
        (
            '{"kind": "trail", "format": "tallyroom-audit-trail", "version": 1, "public_keys": {},'
            ' "head": "x"}\n'
            '{"kind": "event", "seq": 1}\n',
            ":2: not a trail line: missing 'at'",
        ),
    ],
)
def test_a_bad_export_is_one_line_naming_file_and_line(tmp_path, capsys, text, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    assert main(["audit", "verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tallyroom: {path}") and problem in err and "Traceback" not in err
