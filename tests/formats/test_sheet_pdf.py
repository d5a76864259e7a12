"""The PDF result sheet: it carries the winners and every stage's figures, renders, and is made
from the published JSON by the CLI and offered on the public result page."""

import io
import json
import re
import shutil
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from pypdf import PdfReader

from tallyroom.cli import main
from tallyroom.formats.results import result_dict
from tallyroom.formats.sheet_pdf import result_pdf

WARD = Path(__file__).parent.parent / "data/scotland/ballots/2012-edinburgh/edinburgh_2012_ward1.blt"


@pytest.fixture(scope="module")
def ward_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("sheet") / "result.json"
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["count", str(WARD), "-m", "scottish-stv", "-f", "json"]) == 0
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_sheet_has_the_winners_and_every_stage_figure(ward_result):
    result = json.loads(ward_result.read_text())
    text = text_of(result_pdf(result))
    assert "Elected: 1. Norman James WORK, 2. Lindsay PATERSON, 3. Alastair Gordon SHIELDS" in text
    assert f"Quota: {result['quota']}" in text
    words = set(text.split())
    for stage in result["stages"]:
        assert f"Stage {stage['stage']}" in text
        for value in stage["totals"].values():
            assert value in words, value
        assert stage["non_transferable"] in words
    assert "Stage 7: exclusion of Billy FITZPATRICK; elected Alastair Gordon SHIELDS." in text


def test_the_chart_draws_a_bar_per_candidate_and_stage_to_scale(ward_result):
    """The sheet's chart (issue 7: "with the stage table and chart"): one filled bar for each
    candidate's positive total at each stage, in order, its length in proportion to the total."""
    result = json.loads(ward_result.read_text(encoding="utf-8"))
    pdf = PdfReader(io.BytesIO(result_pdf(result)))
    assert "The stages as a chart" in "\n".join(page.extract_text() for page in pdf.pages)
    bar = re.compile(r"[\d.]+ [\d.]+ ([\d.]+) [-\d.]+ re f")  # x y width height: a filled rectangle
    drawn = [float(w) for page in pdf.pages for w in bar.findall(page.get_contents().get_data().decode())]
    totals = [
        float(stage["totals"][name])
        for name in result["candidates"]
        for stage in result["stages"]
        if float(stage["totals"].get(name, "0")) > 0
    ]
    assert len(drawn) == len(totals) > len(result["candidates"])
    scale = drawn[0] / totals[0]
    assert all(abs(w - t * scale) < 0.02 for w, t in zip(drawn, totals, strict=True))


def test_welsh_letters_are_kept_where_the_font_has_them():
    result = result_dict(
        {
            "title": "Cadeirydd",
            "method": "irv",
            "seats": 1,
            "valid_poll": "3",
            "candidates": ["Gwŷn Llŵyd", "Siân"],
            "elected": ["Gwŷn Llŵyd"],
            "withdrawn": [],
            "constraints": [],
            "stages": [
                {
                    "stage": 1,
                    "action": "first",
                    "subject": [],
                    "totals": {"Gwŷn Llŵyd": "2", "Siân": "1"},
                    "non_transferable": "0",
                    "elected": ["Gwŷn Llŵyd"],
                    "excluded": [],
                }
            ],
        }
    )
    text = text_of(result_pdf(result))
    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists():
        assert "Gwŷn Llŵyd" in text and "Siân" in text
    else:
        assert "Gw?n Ll?yd" in text and "Siân" in text


def test_the_cli_writes_the_sheet_and_it_renders(ward_result, tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    assert main(["sheet", str(ward_result), "-o", str(out)]) == 0
    assert "7 stages" in capsys.readouterr().out
    assert "Norman James WORK" in text_of(out.read_bytes())
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian's poppler-utils) is not installed: scripts/ensure-pdf-tools")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == len(PdfReader(out).pages) >= 1
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 1000 for p in pages)


def test_the_cli_refuses_a_file_that_is_not_a_result(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"title": "x"}')
    assert main(["sheet", str(bad), "-o", str(tmp_path / "s.pdf")]) == 1
    assert "x.json: not a result JSON file (no candidates" in capsys.readouterr().err
    bad.write_text("{")
    assert main(["sheet", str(bad), "-o", str(tmp_path / "s.pdf")]) == 1
    assert not (tmp_path / "s.pdf").exists()
