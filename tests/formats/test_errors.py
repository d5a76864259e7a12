"""FormatError keeps its problem as a message: English in str() (the command line's), the reader's
language on a page; a problem given as plain text is shown as it stands."""

from django.utils import translation

from tallyroom.formats.errors import FormatError
from tallyroom.stored_words import english, gettext_noop, joined, stored
from tallyroom.words import Words, read


def test_a_problem_given_as_a_message_is_english_in_str_and_welsh_when_read_in_welsh():
    problem = joined(
        [stored(gettext_noop("name is empty")), stored(gettext_noop("unknown unit %(unit)s"), unit="'mars'")]
    )
    e = FormatError("m.csv", 4, problem)
    assert str(e) == "m.csv:4: name is empty; unknown unit 'mars'" and e.problem == str(e)[len("m.csv:4: ") :]
    assert Words.from_stored(e.problem_words) == Words.from_stored(problem)
    with translation.override("cy"):
        assert read(e.words) == "m.csv:4: mae name yn wag; uned anhysbys 'mars'"
        assert str(e) == "m.csv:4: name is empty; unknown unit 'mars'"


def test_a_plain_text_problem_is_shown_as_it_stands_in_any_language():
    e = FormatError("ward.blt", None, "line contains NUL")
    assert e.problem_words is None and str(e) == "ward.blt: line contains NUL"
    with translation.override("cy"):
        assert read(e.words) == "ward.blt: line contains NUL"


def test_a_plural_message_and_a_nested_one_read_in_english_as_words_reads_them():
    columns = stored(("missing column %(columns)s", "missing columns %(columns)s"), 2, columns="a, b")
    whole = stored(
        gettext_noop("%(problems)s (the columns are %(expected)s)"), problems=columns, expected="x"
    )
    assert english(whole) == "missing columns a, b (the columns are x)"
    with translation.override("en-gb"):
        assert read(whole) == english(whole)
    with translation.override("cy"):
        assert read(whole) == "colofnau ar goll a, b (y colofnau yw x)"
