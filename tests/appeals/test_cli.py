"""``tallyroom manage import_appeals`` (all or nothing, errors by file and line) and
``export_appeals`` (the register, formula cells neutralised)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tallyroom.appeals.cases import lodge
from tallyroom.appeals.models import Case
from tallyroom.roll.models import Member

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "appeals.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_lodges_every_row(appeals, tmp_path, capsys):
    path = write(
        tmp_path,
        "membership_number,contests,grounds,lodged_at\n"
        "L1,stv;chair,posted in time,2026-12-01T10:00\n"
        'L2,block,"joined at conference, 10 Jan",\n',
    )
    call_command("import_appeals", appeals.election.slug, str(path))
    assert "2 appeals lodged" in capsys.readouterr().out
    cases = {c.member.number: c for c in Case.objects.all()}
    assert sorted(c.slug for c in cases["L1"].contests.all()) == ["chair", "stv"]
    assert cases["L2"].source == f"import:{path}"


def test_import_is_all_or_nothing_and_names_file_and_line(appeals, tmp_path):
    path = write(
        tmp_path,
        "membership_number,contests,grounds\n"
        "L1,stv,fine\n"
        "NOPE,stv,who\n"
        "L2,nowhere,where\n"
        f"{appeals.members[2].number},stv,not excluded\n"
        "L1,block,second pending\n",
    )
    with pytest.raises(CommandError) as e:
        call_command("import_appeals", appeals.election.slug, str(path))
    message = str(e.value)
    assert f"{path}:3: no member numbered 'NOPE'" in message
    assert f"{path}:4: unknown contest 'nowhere'" in message
    assert f"{path}:5: You are not excluded from Executive" in message
    assert f"{path}:6: You already have an appeal waiting" in message
    assert not Case.objects.exists()


def test_export_neutralises_formulas(appeals, capsys):
    Member.objects.filter(pk=appeals.lena.pk).update(name='=HYPERLINK("http://x")')
    appeals.lena.refresh_from_db()
    lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "grounds kept out of the export")
    call_command("export_appeals", appeals.election.slug)
    out = capsys.readouterr().out
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["name"] == '\'=HYPERLINK("http://x")' and row["outcome"] == "pending"
    assert row["reasons"] == "joined after freeze date" and "grounds kept out" not in out
