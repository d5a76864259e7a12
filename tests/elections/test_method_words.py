"""The staff's method list and the option fields' hints in the reader's language: the methods'
descriptions come from count/rules.toml (the engine keeps them as data) and our makemessages puts
each in the catalogue."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

import tallyroom
from tallyroom.count import method_names, rule_set
from tallyroom.elections.forms import ContestForm
from tallyroom.web.management.commands.makemessages import descriptions_source

pytestmark = pytest.mark.django_db
CATALOGUE = Path(tallyroom.__file__).parent / "locale/cy/LC_MESSAGES/django.po"


def test_every_method_description_is_extracted_and_translated():
    welsh = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)) if not e.obsolete and not e.fuzzy}
    for name in method_names():
        description = rule_set(name).description
        assert repr(description) in descriptions_source()
        assert welsh.get(description), f"{name}: no Welsh for its description"


def test_the_method_list_reads_in_welsh_and_in_english():
    irv = rule_set("irv").description
    with translation.override("cy"):
        welsh = dict(ContestForm().fields["method"].choices)
    with translation.override("en-gb"):
        english = dict(ContestForm().fields["method"].choices)
    assert english["irv"] == f"irv: {irv}"
    assert welsh["irv"].startswith("irv: Y bleidlais amgen: eithrio'r isaf") and irv not in welsh["irv"]


def test_the_option_hints_read_in_welsh_and_in_english():
    with translation.override("cy"):
        welsh = str(ContestForm().fields["option_ties"].help_text)
    with translation.override("en-gb"):
        english = str(ContestForm().fields["option_ties"].help_text)
    assert english.startswith("Blank keeps the method's rule (plurality lot, ")
    assert english.endswith(" In turn, separated by commas, from: backward, forward, order, lot.")
    assert welsh.startswith("Mae gadael yn wag yn cadw rheol y dull (plurality lot, ")
    assert "Blank keeps" not in welsh and "o blith: backward, forward, order, lot." in welsh
