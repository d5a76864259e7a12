"""``tallyroom manage``: the web app's management commands through the one CLI."""

import pytest

from tallyroom.cli import main
from tallyroom.organisation.models import Region


# A management command run from the command line closes the database connections when it ends
# (Django's run_from_argv), so the test cannot sit inside a transaction that is rolled back.
@pytest.mark.django_db(transaction=True)
def test_manage_runs_a_management_command(tmp_path, capsys):
    structure = tmp_path / "structure.csv"
    structure.write_text("type,code,name\nregion,thames,Thames Region\n", encoding="utf-8")
    assert main(["manage", "import_structure", str(structure)]) == 0
    assert Region.objects.get(code="thames").name == "Thames Region"


def test_manage_reports_an_unknown_command(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["manage", "no_such_command"])
    assert exit.value.code == 1
    assert "Unknown command: 'no_such_command'" in capsys.readouterr().err
