"""Every template's visible text is marked for translation: with the translated tags, comments,
variables and template tags taken out, no word is left in a page's text or its labels (alt,
title, aria-label, placeholder). A template known to be untranslated goes in NOT_YET, and the
test fails once it is translated until it is struck off."""

import re
from pathlib import Path

import tallyroom
from results.test_welsh_pages import text_of

ROOT = Path(tallyroom.__file__).parent
# Words a page may show untranslated: the languages' own names, file kinds, and proper names.
KEPT = {
    "English",
    "Cymraeg",
    "PDF",
    "CSV",
    "PNG",
    "JPEG",
    "SVG",
    "JSON",
    "TOML",
    "tallyroom",
    "SHA-",
    "Banzhaf",
    "Shapley",
    "Shubik",
}
NOT_YET: set[str] = set()  # templates known to be untranslated (none now)
_MARKED = re.compile(
    r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{#.*?#}|{{.*?}}|{%.*?%}",
    re.S,
)


def unmarked(source: str) -> list[str]:
    """The words of a template's text that no translation tag covers."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+", text_of(_MARKED.sub(" ", source)))
    return [w for w in words if w not in KEPT]


def test_every_template_marks_its_text():
    found = {}
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        name = str(path.relative_to(ROOT))
        words = unmarked(path.read_text())
        if words:
            found[name] = words[:8]
    assert {k: v for k, v in found.items() if k not in NOT_YET} == {}
    assert set(found) >= NOT_YET, f"translated now, strike off NOT_YET: {sorted(NOT_YET - set(found))}"


def test_the_check_finds_unmarked_text():
    assert unmarked('<p title="Close">{% translate "Open" %} Appeal {{ n }}</p>') == ["Close", "Appeal"]
    assert unmarked("{% blocktranslate trimmed %}Appeal {{ n }}{% endblocktranslate %}") == []
