"""Member and structure CSV files from a hostile source: imported, or refused with every problem
named by file and line and nothing written; never another exception."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.formats import FormatError
from tallyroom.organisation.importer import StructureImportError, import_structure
from tallyroom.organisation.models import Region, Unit
from tallyroom.roll.importer import MemberImportError, import_members
from tallyroom.roll.models import Member

from .strategies import EXAMPLES, hostile, line_count

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MEMBER_HEADER = st.sampled_from(
    [
        "",
        "number,name,unit,joined,status,category\n",
        "number,name,unit,joined,status,category,email,address,paid_up_to,affiliate\n",
        "number,name,unit,joined,status\n",
        "number,number,name,unit,joined,status,category\n",
    ]
)
MEMBER_TOKENS = ["M1", "M2", "Ann", "east", "west", "2020-01-01", "2020-02-30", "active", "lapsed", "member"]
MEMBER_TOKENS += ["affiliated_supporter", "a@b.example", "@", "=1+1", "99999-99-99", ""]
STRUCTURE_HEADER = st.sampled_from(
    ["", "type,code,name\n", "type,code,name,kind,region,affiliated_members\n", "type,name\n"]
)
STRUCTURE_TOKENS = [
    "region",
    "unit",
    "affiliate",
    "vale",
    "east",
    "clp",
    "branch",
    "union",
    "-5",
    "1e9",
    "x" * 70,
]


def refused_clearly(errors: list[FormatError], name: str, data: bytes) -> None:
    assert errors
    for error in errors:
        assert isinstance(error, FormatError) and error.source == name
        assert error.line is None or 1 <= error.line <= line_count(data), (error, data)


def named(data: bytes, name: str):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


@FUZZ
@given(hostile(MEMBER_TOKENS, [",", ",,", '"', ";"], MEMBER_HEADER))
def test_hostile_member_files(data):
    region = Region.objects.get_or_create(code="vale", name="Vale")[0]
    for code in ("east", "west"):
        Unit.objects.get_or_create(code=code, defaults={"name": code, "region": region})
    before = Member.objects.count()
    try:
        import_members(named(data, "members.csv"))
    except MemberImportError as e:
        refused_clearly(e.errors, "members.csv", data)
        assert Member.objects.count() == before  # all or nothing
    except FormatError as e:
        refused_clearly([e], "members.csv", data)
        assert Member.objects.count() == before


@FUZZ
@given(hostile(STRUCTURE_TOKENS, [",", ",,", '"'], STRUCTURE_HEADER))
def test_hostile_structure_files(data):
    before = Region.objects.count() + Unit.objects.count()
    try:
        import_structure(named(data, "structure.csv"))
    except StructureImportError as e:
        refused_clearly(e.errors, "structure.csv", data)
        assert Region.objects.count() + Unit.objects.count() == before
    except FormatError as e:
        refused_clearly([e], "structure.csv", data)
