"""Issuing and sending ballot codes: high entropy, stored only as hashes, sent by email or post,
in batches that leave no mailed code unstored when the mail server fails."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from builders import code_in
from tallyroom.audit.models import Event
from tallyroom.ballotbox.symbols import ALPHABET
from tallyroom.voting.casting import voter
from tallyroom.voting.codes import (
    DeliveryFailed,
    code_hash,
    delivery_counts,
    issue_and_send,
    mail_merge_csv,
    reissue_code,
    send_codes,
)
from tallyroom.voting.models import BallotCode, Delivery

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"^[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}$")


def issued(election, **kwargs):
    pairs = []
    sent = issue_and_send(election, keep=pairs.extend, **kwargs)
    return sent, pairs


def test_every_eligible_voter_gets_one_code_once(voting_election):
    election, contests, members = voting_election(voters=5)
    sent, pairs = issued(election)
    assert [r.number for r, _ in pairs] == [m.number for m in members]
    assert all(CODE.match(code) for _, code in pairs)
    assert len({code for _, code in pairs}) == 5
    assert len(ALPHABET) == 32  # 16 symbols of 5 bits: 80 bits
    assert issued(election)[1] == []
    assert BallotCode.objects.filter(election=election).count() == 5
    assert Event.objects.filter(verb="voting.issue_codes").count() == 1


def test_member_on_no_roll_gets_no_code(voting_election):
    election, contests, members = voting_election(voters=3)
    members[2].roll_entries.update(eligible=False)
    assert [r.pk for r, _ in issued(election)[1]] == [m.pk for m in members[:2]]


def test_only_the_hash_is_stored(voting_election):
    election, contests, members = voting_election(voters=3)
    pairs = issued(election)[1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {BallotCode._meta.db_table}")
        dump = repr(cursor.fetchall())
    for recipient, code in pairs:
        assert code not in dump and code.replace("-", "") not in dump
        stored = BallotCode.objects.get(member_id=recipient.pk)
        assert bytes(stored.code_hash) == code_hash(code) and len(stored.code_hash) == 16
    assert code_hash(pairs[0][1].lower().replace("-", " ")) == code_hash(pairs[0][1])


def test_codes_are_emailed_or_written_to_a_mail_merge_file(settings, tmp_path, voting_election):
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=6)
    sent, pairs = issued(election, size=2)  # three batches, one file
    with_email = [(r, c) for r, c in pairs if r.email]
    assert sent.emailed == len(mail.outbox) == len(with_email) == 4
    for (recipient, code), message in zip(with_email, mail.outbox, strict=True):
        assert message.to == [recipient.email] and code in message.body
    rows = list(csv.DictReader(io.StringIO(sent.postal_file.read_text())))
    assert [(r["membership_number"], r["code"]) for r in rows] == [
        (r.number, c) for r, c in pairs if not r.email
    ]
    assert rows[0]["address"] == "0 High Street\nLondon"
    assert oct(sent.postal_file.stat().st_mode & 0o777) == "0o600"
    assert list(tmp_path.iterdir()) == [sent.postal_file]
    assert delivery_counts(election) == {
        "pending": 0,
        "queued": 0,
        "sent": 4,
        "posted": 2,
        "failed": 0,
        "bounced": 0,
    }
    assert not BallotCode.objects.filter(election=election, sent_at__isnull=True).exists()


def test_progress_reaches_the_total(voting_election):
    election, contests, members = voting_election(voters=7)
    seen = []
    issue_and_send(election, size=3, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]


def test_a_mail_failure_in_batch_3_keeps_batches_1_and_2_and_a_rerun_completes(flaky, voting_election):
    election, contests, members = voting_election(voters=9)  # 6 with email: 2 per batch of 3
    flaky.down_after = 4  # batches 1 and 2 hand over 4 messages; batch 3's first one fails
    pairs = []
    with pytest.raises(DeliveryFailed, match=r"failed 3 times: ConnectionError: mail server down"):
        issue_and_send(election, size=3, keep=pairs.extend)
    assert len(pairs) == 6 and len(mail.outbox) == 4
    stored = BallotCode.objects.filter(election=election)
    assert sorted(stored.values_list("member_id", flat=True)) == [m.pk for m in members[:6]]
    for recipient, code in pairs:  # every code mailed (or posted) works
        assert voter(code).member_id == recipient.pk
    flaky.down_after = None
    rest = []
    sent = issue_and_send(election, size=3, keep=rest.extend)
    assert [r.pk for r, _ in rest] == [m.pk for m in members[6:]] and sent.emailed == 2
    assert stored.count() == 9 and len(mail.outbox) == 6


def test_a_failure_half_way_through_a_batch_keeps_the_codes_already_handed_over(flaky, voting_election):
    election, contests, members = voting_election(voters=6)  # voters 1, 2, 4, 5 have email
    flaky.down_after = 1
    with pytest.raises(DeliveryFailed):
        issue_and_send(election, size=6)
    assert len(mail.outbox) == 1
    states = dict(BallotCode.objects.values_list("member__number", "delivery"))
    assert states == {members[1].number: Delivery.SENT}  # nothing of the rest, not even the post


def test_a_transient_failure_is_retried(flaky, voting_election):
    election, contests, members = voting_election(voters=3)
    flaky.blips = 2
    sent = issue_and_send(election)
    assert sent.emailed == 2 and len(mail.outbox) == 2


def test_a_refused_address_is_stored_as_failed_and_listed(flaky, voting_election, client, staff):
    election, contests, members = voting_election(voters=6)
    flaky.refuse = frozenset({members[2].email})
    sent = issue_and_send(election)
    assert (sent.emailed, sent.posted, sent.failed) == (3, 2, 1)
    refused = BallotCode.objects.get(member=members[2])
    assert refused.delivery == Delivery.FAILED and refused.sent_at is None
    client.force_login(staff)
    page = client.get(f"/vote/{election.slug}/codes/").content.decode()
    assert "Refused by the mail server" in page and members[2].number in page
    assert "<td>Sent</td><td>3</td>" in page and "<td>In a mail-merge file for post</td><td>2</td>" in page


def test_mail_merge_csv_has_a_row_per_voter(voting_election):
    election, contests, members = voting_election(voters=2)
    pairs = issued(election)[1]
    rows = list(csv.reader(io.StringIO(mail_merge_csv(pairs, election))))
    assert rows[0][:5] == ["membership_number", "name", "address", "election", "code"]
    assert [r[4] for r in rows[1:]] == [c for _, c in pairs]


def test_management_command(settings, tmp_path, voting_election):
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=3)
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_codes", election.slug, stdout=out, stderr=err)
    assert "issued 3 codes: 2 emailed, 1 for post" in out.getvalue()
    assert "codes: 3 of 3" in err.getvalue()
    assert len(list(tmp_path.glob("*.csv"))) == 1


@pytest.mark.parametrize("command", ["issue_codes", "install_key", "open_box"])
def test_management_commands_name_an_unknown_election(command):
    with pytest.raises(CommandError, match="no election with the slug 'nowhere'"):
        call_command(command, "nowhere")


def test_reissue_replaces_the_code(setup):
    election, contests, members, codes = setup
    new = reissue_code(election, members[3])
    assert BallotCode.objects.get(member=members[3]).code_hash == code_hash(new) != code_hash(codes[3])


def test_a_reissued_code_sent_records_its_delivery(flaky, setup):
    election, contests, members, codes = setup
    flaky.refuse = frozenset({members[1].email})
    send_codes([(members[1], reissue_code(election, members[1]))], election)
    assert BallotCode.objects.get(member=members[1]).delivery == Delivery.FAILED


def test_each_code_works_before_its_message_is_handed_over(flaky, voting_election):
    election, contests, members = voting_election(voters=6)
    seen = []

    def check(message):
        stored = BallotCode.objects.get(code_hash=code_hash(code_in(message.body)))
        seen.append((stored.member.email, stored.delivery, voter(code_in(message.body)).member_id))

    flaky.on_send = check
    issue_and_send(election, size=4)
    emailed = [m for m in members if m.email]
    assert seen == [(m.email, Delivery.PENDING, m.pk) for m in emailed]
    assert set(BallotCode.objects.values_list("delivery", flat=True)) == {Delivery.SENT, Delivery.POSTED}


def test_a_voter_given_a_code_meanwhile_is_not_sent_another(voting_election):
    """Two runs at once: the batch of the second finds the voter coded when it stores, so the
    voter's code stays the first run's and the second mails nothing."""
    from tallyroom.voting.codes import PostalFile, Recipient, _batch

    election, contests, members = voting_election(voters=3)
    first = dict(issued(election)[1])
    mail.outbox.clear()
    late = [Recipient(m.pk, m.number, m.name, m.email, m.address, m.language) for m in members]
    sent, stored, failure = _batch(election, late, PostalFile(election), None)
    assert (stored, failure, mail.outbox, sent.issued) == ([], None, [], 0)
    for recipient, code in first.items():
        assert voter(code).member_id == recipient.pk


def test_a_crash_mid_batch_leaves_pending_codes_that_a_retry_replaces(flaky, voting_election):
    from tallyroom.voting.codes import drop_pending

    election, contests, members = voting_election(voters=6)

    def crash(message):
        raise KeyboardInterrupt  # the worker dies while handing the batch over

    flaky.on_send = crash
    pairs = []
    with pytest.raises(KeyboardInterrupt):
        issue_and_send(election, size=6, keep=pairs.extend)
    assert set(BallotCode.objects.values_list("delivery", flat=True)) == {Delivery.PENDING}
    assert BallotCode.objects.count() == 6 and pairs == []
    flaky.on_send = None
    assert drop_pending(election) == 6
    assert Event.objects.filter(verb="voting.drop_pending_codes").get().data["codes"] == 6
    again = issued(election)[1]
    assert len(again) == 6 and len(mail.outbox) == 4
    assert delivery_counts(election)[Delivery.PENDING] == 0


@pytest.mark.parametrize("length", [16, 12, 3])
def test_every_symbol_is_equally_likely_at_every_place(length):
    """Each symbol carries 5 whole random bits: a last symbol made of fewer (base32's padding) would
    draw from a part of the alphabet only."""
    from collections import Counter

    from tallyroom.ballotbox.symbols import random_symbols

    draws = [random_symbols(length).replace("-", "") for _ in range(6400)]
    assert {len(d) for d in draws} == {length}
    for place in range(length):
        counts = Counter(d[place] for d in draws)
        assert set(counts) == set(ALPHABET)  # 200 expected each
        assert max(counts.values()) < 300 and min(counts.values()) > 120


@pytest.mark.parametrize("language", ["", "cy", "en-gb"])
def test_a_runs_letters_are_word_for_word_each_written_afresh(voting_election, language):
    """``CodeEmails`` writes each language's letter once and puts each voter's name and code in: the
    same subject, body, address and webhook tag as writing the letter for that voter."""
    from tallyroom.voting import bounces
    from tallyroom.voting.codes import CodeEmails, Recipient, _written, vote_url

    election, _, _ = voting_election(voters=1)
    emails = CodeEmails(election, vote_url())
    for i, name in enumerate(["Ann Jones", "100% {name} %(name)s", "Siân ap Dafydd", ""]):
        recipient = Recipient(i + 1, f"N{i}", name, f"v{i}@example.org", "", language)
        made, fresh = emails(recipient, f"CODE-{i}"), _written(election, recipient, f"CODE-{i}", vote_url())
        assert (made.subject, made.body, made.to) == (fresh.subject, fresh.body, fresh.to)
        assert f"{name},\n" in made.body and f"    CODE-{i}\n" in made.body
        assert made.metadata == bounces.metadata(election.pk, i + 1)
    assert set(emails.letters) == {language or "en-gb"} and emails.letters[language or "en-gb"] is not None
