"""Importing regions, units and affiliates."""

import io

import pytest
from django.core.management import CommandError, call_command

from tallyroom.organisation.importer import StructureImportError, import_structure
from tallyroom.organisation.models import Affiliate, Region, Unit

pytestmark = pytest.mark.django_db

GOOD = """type,code,name,kind,region,affiliated_members
unit,hackney-n,Hackney North,clp,london,
region,london,London,,,
affiliate,unison,UNISON,union,,1200000
"""


def test_structure_is_imported_and_updated():
    assert import_structure(io.StringIO(GOOD)) == {"region": 1, "unit": 1, "affiliate": 1}
    assert Unit.objects.get(code="hackney-n").region == Region.objects.get(code="london")
    assert Affiliate.objects.get().affiliated_members == 1200000
    import_structure(io.StringIO(GOOD.replace("Hackney North", "Hackney N")))
    assert Unit.objects.get().name == "Hackney N" and Unit.objects.count() == 1


def test_every_bad_row_is_reported_and_nothing_written():
    bad = (
        "type,code,name,kind,region,affiliated_members\n"
        "region,london,London,,,\n"
        "unit,x,X,ward,london,\n"
        "unit,y,Y,clp,atlantis,\n"
        "affiliate,z,Z,union,,many\n"
        "party,p,P,,,\n"
        "region,london,London again,,,\n"
    )
    with pytest.raises(StructureImportError) as caught:
        import_structure(io.StringIO(bad))
    problems = {e.line: e.problem for e in caught.value.errors}
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "kind is one of" in problems[3] and "unknown region 'atlantis'" in problems[4]
    assert "not a whole number" in problems[5] and "type 'party'" in problems[6]
    assert "also on line 2" in problems[7]
    assert not Region.objects.exists()


def test_command(tmp_path):
    path = tmp_path / "structure.csv"
    path.write_text("type,code,name\nunit,u,U\n")
    with pytest.raises(CommandError, match="unknown region"):
        call_command("import_structure", str(path))
