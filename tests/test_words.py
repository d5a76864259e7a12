"""Words: a message written in the reader's language, whether raised in a request or stored."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from tallyroom.words import Words

PUBLISHED = "%(name)s has a published result already"


def test_translated_when_shown_not_when_made():
    words = Words(PUBLISHED, name="Thames Board")
    with translation.override("cy"):
        assert str(words) == "mae gan Thames Board ganlyniad wedi'i gyhoeddi eisoes"
    with translation.override("en-gb"):
        assert str(words) == "Thames Board has a published result already"


def test_stored_as_json_and_read_back_in_another_language():
    with translation.override("en-gb"):
        words = Words(PUBLISHED, name=Words("Queued"))
        kept = json.loads(json.dumps(words.stored()))
    back = Words.from_stored(kept)
    assert back == words
    with translation.override("cy"):
        assert str(back) == "mae gan Yn y ciw ganlyniad wedi'i gyhoeddi eisoes"


def test_plural_form_chosen_by_count():
    words = Words("%(n)s appeal:", "%(n)s appeals:", 3, n=3)
    with translation.override("en-gb"):
        assert str(words) == "3 appeals:"
    with translation.override("cy"):
        assert str(Words.from_stored(words.stored())) == "3 apêl:"


def test_a_lazy_parameter_is_translated_but_cannot_be_stored():
    words = Words(PUBLISHED, name=gettext_lazy("Queued"))
    with translation.override("cy"):
        assert str(words).startswith("mae gan Yn y ciw ")
    with pytest.raises(TypeError, match="lazy translation cannot be stored"):
        words.stored()


def test_an_exception_raised_with_words_reads_in_the_active_language():
    error = ValueError(Words(PUBLISHED, name="Section A"))
    with translation.override("cy"):
        assert str(error) == "mae gan Section A ganlyniad wedi'i gyhoeddi eisoes"


def test_plural_needs_its_count():
    with pytest.raises(ValueError, match="plural msgid needs its count"):
        Words("%(n)s appeal:", "%(n)s appeals:")


def test_recorded_in_the_sites_language_whoever_reads():
    with translation.override("cy"):
        assert Words(PUBLISHED, name="Section A").recorded() == "Section A has a published result already"
