"""Member import: a good file, every kind of bad row reported by line, nothing written on error,
updates by membership number, and the management command."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tallyroom.audit.models import Event
from tallyroom.formats.errors import FormatError
from tallyroom.roll.importer import MemberImportError, import_members
from tallyroom.roll.models import Member

pytestmark = pytest.mark.django_db

HEADER = "number,name,email,address,unit,joined,paid_up_to,status,category,affiliate\n"
GOOD = (
    HEADER
    + 'L1,Ann Adams,ann@example.org,"1 High St\nHackney",hackney,2019-05-01,2026-12-31,active,member,\n'
    + "L2,Bob Brown,,,camden,2025-06-30,,lapsed,registered_supporter,\n"
    + "L3,Cat Cole,cat@example.org,,,2021-01-01,2026-06-30,active,affiliated_supporter,unison\n"
)


def test_good_file_is_imported(places):
    report = import_members(io.StringIO(GOOD))
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    ann = Member.objects.get(number="L1")
    assert ann.address == "1 High St\nHackney"
    assert ann.unit == places["hackney"] and ann.joined == date(2019, 5, 1)
    assert Member.objects.get(number="L2").paid_up_to is None
    cat = Member.objects.get(number="L3")
    assert cat.affiliate == places["unison"] and cat.unit is None
    assert Event.objects.filter(verb="roll.import").count() == 1


def test_file_from_path_and_bytes(places, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(("\ufeff" + GOOD).encode())
    assert import_members(path).created == 3
    assert import_members(io.BytesIO(GOOD.encode())).unchanged == 3


BAD_ROWS = {
    "L10,,,,hackney,2020-01-01,,active,member,": "name is empty",
    "L11,X,not-an-email,,hackney,2020-01-01,,active,member,": "email 'not-an-email' is not an address",
    "L12,X,,,nowhere,2020-01-01,,active,member,": "unknown unit 'nowhere'",
    "L13,X,,,,2020-01-01,,active,member,": "unit is empty",
    "L14,X,,,hackney,2020-02-30,,active,member,": "joined '2020-02-30' is not a date",
    "L15,X,,,hackney,,,active,member,": "joined is empty",
    "L16,X,,,hackney,2020-01-01,31/12/2026,active,member,": "paid_up_to '31/12/2026' is not a date",
    "L17,X,,,hackney,2020-01-01,,retired,member,": "status 'retired' is not one of",
    "L18,X,,,hackney,2020-01-01,,active,friend,": "category 'friend' is not one of",
    "L19,X,,,,2020-01-01,,active,affiliated_supporter,": "affiliate is empty",
    "L20,X,,,,2020-01-01,,active,affiliated_supporter,gmb": "unknown affiliate 'gmb'",
    "L21,X,,,hackney,2020-01-01,,active,member,unison": "affiliate is only for affiliated supporters",
    ",X,,,hackney,2020-01-01,,active,member,": "number is empty",
    "L1,X,,,hackney,2020-01-01,,active,member,": "membership number L1 is also on line 2",
    "L22,X,,,hackney,2020-01-01,,active": "expected 10 cells, found 8",
}


def test_every_bad_row_is_reported_by_line_and_nothing_written(places):
    good_line = "L1,Ann,,,hackney,2020-01-01,,active,member,\n"
    text = HEADER + good_line + "".join(row + "\n" for row in BAD_ROWS)
    with pytest.raises(MemberImportError) as caught:
        import_members(io.StringIO(text))
    errors = caught.value.errors
    assert [e.line for e in errors] == list(range(3, 3 + len(BAD_ROWS)))
    assert str(caught.value).startswith(f"{len(BAD_ROWS)} problems; nothing imported\n")
    with translation.override("cy"):
        assert str(caught.value).startswith(f"{len(BAD_ROWS)} problem; ni fewnforiwyd dim\n")
    for error, problem in zip(errors, BAD_ROWS.values(), strict=True):
        assert problem in error.problem
    assert Member.objects.count() == 0
    assert not Event.objects.filter(verb="roll.import").exists()


def test_one_bad_row_among_many_leaves_existing_members_untouched(places):
    import_members(io.StringIO(GOOD))
    changed = GOOD.replace("Ann Adams", "Ann Changed") + "L9,Dan,,,hackney,someday,,active,member,\n"
    with pytest.raises(MemberImportError, match="upload:6: joined .someday. is not a date"):
        import_members(io.StringIO(changed))
    assert Member.objects.get(number="L1").name == "Ann Adams"
    assert Member.objects.count() == 3


def test_existing_members_are_updated_by_number(places):
    import_members(io.StringIO(GOOD))
    pk = Member.objects.get(number="L2").pk
    again = HEADER + "L2,Bob Brown,bob@example.org,,hackney,2025-06-30,2027-01-01,active,member,\n"
    report = import_members(io.StringIO(again))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    bob = Member.objects.get(number="L2")
    assert bob.pk == pk
    assert (bob.email, bob.unit, bob.status, bob.category) == (
        "bob@example.org",
        places["hackney"],
        "active",
        "member",
    )
    assert bob.paid_up_to == date(2027, 1, 1)
    assert Member.objects.filter(number="L1").exists()  # absent from the file: left as it was


@pytest.mark.parametrize(
    "header, problem",
    [
        ("number,name,unit,joined,status\n", "missing column category"),
        ("number,name,unit,joined,status,category,colour\n", "unknown column colour"),
        ("number,name,name,unit,joined,status,category\n", "repeated column name"),
        ("", "empty file"),
    ],
)
def test_bad_header_is_refused(places, header, problem):
    with pytest.raises(FormatError, match=problem) as caught:
        import_members(io.StringIO(header))
    assert caught.value.line == 1


def test_not_utf8_names_the_line(places, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "L1,Zo").encode() + "ë".encode("latin-1") + b",,,hackney,2020-01-01,,active,member,\n"
    )
    with pytest.raises(FormatError, match=r"latin1.csv:2: not UTF-8"):
        import_members(path)


def test_command_exits_nonzero_with_every_error(places, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        HEADER + "L1,,,,hackney,2020-01-01,,active,member,\nL2,X,,,mars,2020-01-01,,active,member,\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path))
    assert f"{path}:2: name is empty" in str(caught.value)
    assert f"{path}:3: unknown unit 'mars'" in str(caught.value)
    assert Member.objects.count() == 0


def test_command_imports(places, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text(GOOD)
    call_command("import_members", str(path))
    assert "3 members added" in capsys.readouterr().out
    assert Member.objects.count() == 3


def test_a_refusal_in_a_later_batch_rolls_back_the_batches_written(places, monkeypatch):
    """The import writes batch by batch; a row refused in the last batch (a contact change on a
    frozen roll) undoes the earlier ones: still all or nothing, the line named."""
    from django.utils import timezone

    import builders as build
    from tallyroom.elections.models import Contest
    from tallyroom.roll import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    import_members(io.StringIO(GOOD))
    election = build.election("e", name="Board", days=0)
    contest = build.contest(election, "c", name="C")
    build.roll(contest, [Member.objects.get(number="L1")])
    Contest.objects.filter(pk=contest.pk).update(roll_frozen_at=timezone.now())
    new = "".join(f"N{i},New {i},,,hackney,2020-01-01,,active,member,\n" for i in range(5))
    moved = (
        'L1,Ann Adams,ann@elsewhere.org,"1 High St\nHackney",hackney,2019-05-01,2026-12-31,active,member,\n'
    )
    with pytest.raises(MemberImportError) as refused:
        import_members(io.StringIO(HEADER + new + moved))
    assert [(e.line, e.problem.split(": ")[1]) for e in refused.value.errors] == [
        (
            7,
            "their email changes only by a recorded contact change "
            "(Roll > Change contact details), not by import",
        )
    ]
    assert not Member.objects.filter(number__startswith="N").exists()
    assert Member.objects.get(number="L1").email == "ann@example.org"


def test_a_file_is_checked_whole_before_anything_is_written_in_batches(places, monkeypatch):
    from tallyroom.roll import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    rows = "".join(f"N{i},New {i},,,hackney,2020-01-01,,active,member,\n" for i in range(7))
    again = "N3,Again,,,hackney,2020-01-01,,active,member,\n"
    with pytest.raises(MemberImportError) as refused:
        import_members(io.StringIO(HEADER + rows + again))
    assert [str(e) for e in refused.value.errors] == ["upload:9: membership number N3 is also on line 5"]
    assert not Member.objects.exists()
    report = import_members(io.StringIO(HEADER + rows))
    assert (report.rows, report.created) == (7, 7) and Member.objects.count() == 7


def test_the_language_column_sets_each_members_preferred_language(places):
    text = (
        HEADER.rstrip("\n")
        + ",language\n"
        + "L1,Ann,,,hackney,2020-01-01,,active,member,,cy\n"
        + "L2,Bob,,,camden,2020-01-01,,active,member,,Cymraeg\n"
        + "L3,Cat,,,camden,2020-01-01,,active,member,,EN-GB\n"
        + "L4,Dai,,,camden,2020-01-01,,active,member,,\n"
    )
    import_members(io.StringIO(text))
    languages = dict(Member.objects.values_list("number", "language"))
    assert languages == {"L1": "cy", "L2": "cy", "L3": "en-gb", "L4": ""}
    import_members(io.StringIO(GOOD.replace("L1,", "L4,", 1)))  # a file without the column
    assert Member.objects.get(number="L4").language == ""  # blank: the site's default


def test_an_unknown_language_is_refused_naming_the_line(places):
    text = HEADER.rstrip("\n") + ",language\n" + "L1,Ann,,,hackney,2020-01-01,,active,member,,fr\n"
    with pytest.raises(MemberImportError) as caught:
        import_members(io.StringIO(text))
    (error,) = caught.value.errors
    assert error.line == 2 and "language 'fr' is not one of en-gb, cy" in error.problem
    assert not Member.objects.exists()
