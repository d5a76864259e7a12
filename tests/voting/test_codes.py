"""Issuing and sending ballot codes: high entropy, stored only as hashes, sent by email or post."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from tallyroom.audit.models import Event
from tallyroom.ballotbox.symbols import ALPHABET
from tallyroom.voting.codes import code_hash, issue_codes, mail_merge_csv, reissue_code, send_codes
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"^[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}$")


def test_every_eligible_voter_gets_one_code_once(voting_election):
    election, contests, members = voting_election(voters=5)
    pairs = issue_codes(election)
    assert [m.number for m, _ in pairs] == [m.number for m in members]
    assert all(CODE.match(code) for _, code in pairs)
    assert len({code for _, code in pairs}) == 5
    assert len(ALPHABET) == 32  # 16 symbols of 5 bits: 80 bits
    assert issue_codes(election) == []
    assert BallotCode.objects.filter(election=election).count() == 5
    assert Event.objects.filter(verb="voting.issue_codes").count() == 1


def test_member_on_no_roll_gets_no_code(voting_election):
    election, contests, members = voting_election(voters=3)
    members[2].roll_entries.update(eligible=False)
    assert [m for m, _ in issue_codes(election)] == members[:2]


def test_only_the_hash_is_stored(voting_election):
    election, contests, members = voting_election(voters=3)
    pairs = issue_codes(election)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {BallotCode._meta.db_table}")
        dump = repr(cursor.fetchall())
    for member, code in pairs:
        assert code not in dump and code.replace("-", "") not in dump
        stored = BallotCode.objects.get(member=member)
        assert stored.code_hash == code_hash(code) and len(stored.code_hash) == 64
    assert code_hash(pairs[0][1].lower().replace("-", " ")) == code_hash(pairs[0][1])


def test_send_codes_emails_or_writes_a_mail_merge_file(settings, tmp_path, voting_election):
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=6)
    pairs = issue_codes(election)
    sent = send_codes(pairs, election)
    with_email = [(m, c) for m, c in pairs if m.email]
    assert sent.emailed == len(mail.outbox) == len(with_email) == 4
    for (member, code), message in zip(with_email, mail.outbox, strict=True):
        assert message.to == [member.email] and code in message.body
    rows = list(csv.DictReader(io.StringIO(sent.postal_file.read_text())))
    assert [(r["membership_number"], r["code"]) for r in rows] == [
        (m.number, c) for m, c in pairs if not m.email
    ]
    assert rows[0]["address"] == "0 High Street\nLondon"
    assert oct(sent.postal_file.stat().st_mode & 0o777) == "0o600"
    assert not BallotCode.objects.filter(election=election, sent_at__isnull=True).exists()


def test_mail_merge_csv_has_a_row_per_voter(voting_election):
    election, contests, members = voting_election(voters=2)
    pairs = issue_codes(election)
    rows = list(csv.reader(io.StringIO(mail_merge_csv(pairs, election))))
    assert rows[0][:5] == ["membership_number", "name", "address", "election", "code"]
    assert [r[4] for r in rows[1:]] == [c for _, c in pairs]


def test_management_command(settings, tmp_path, voting_election):
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=3)
    out = io.StringIO()
    call_command("issue_codes", election.slug, stdout=out)
    assert "issued 3 codes: 2 emailed, 1 for post" in out.getvalue()
    assert len(list(tmp_path.glob("*.csv"))) == 1


@pytest.mark.parametrize("command", ["issue_codes", "install_key", "open_box"])
def test_management_commands_name_an_unknown_election(command):
    with pytest.raises(CommandError, match="no election with the slug 'nowhere'"):
        call_command(command, "nowhere")


def test_reissue_replaces_the_code(setup):
    election, contests, members, codes = setup
    new = reissue_code(election, members[3])
    assert BallotCode.objects.get(member=members[3]).code_hash == code_hash(new) != code_hash(codes[3])
