"""The parts the brief keeps free of Django import none of it, so anyone can recount and verify a
result with the CLI alone; their messages reach a page's language through ``tallyroom.stored_words``."""

import subprocess
import sys

import pytest

DJANGO_FREE = (
    "tallyroom.count",
    "tallyroom.formats",
    "tallyroom.formats.sheet_pdf",
    "tallyroom.analysis",
    "tallyroom.analysis.charts",
    "tallyroom.stored_words",
    "tallyroom.ballotbox.keys",
    "tallyroom.conference.entitlement",
)


@pytest.mark.parametrize("module", DJANGO_FREE)
def test_imports_no_django(module):
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
