"""The engine's notes and tie details come from the templates of count/notes.py, so a sheet can
write them again in its reader's language: every one a count writes matches a template."""

from noted_counts import noted_results
from tallyroom.count import notes
from tallyroom.count.notes import translate


def marked(template: str) -> str:
    return f"<{template}>"


def test_every_note_and_tie_detail_a_count_writes_matches_a_template():
    texts = [s.note for r in noted_results() for s in r.stages if s.note]
    texts += [t.detail for r in noted_results() for t in r.ties if t.detail]
    pieces = [p for text in texts for p in text.split("; ")]
    assert any(p.startswith("quota reduced to 3.50") for p in pieces)
    assert any(p.startswith("keep values recomputed") for p in pieces)
    assert notes.RON in pieces and notes.BARRED in pieces and "lot draw 1" in pieces
    assert any(p.startswith("votes required") for p in pieces)
    for piece in pieces:
        assert translate(piece, marked).startswith("<"), piece
        assert translate(piece, str) == piece


def test_a_note_is_written_again_piece_by_piece_and_an_unknown_piece_stands():
    note = "quota reduced to 3.50 (rule 5.4.8); an older engine's words; no papers transferred"
    expected = "<quota reduced to 3.50 (rule 5.4.8)>; an older engine's words; <no papers transferred>"
    assert translate(note, marked) == expected
    assert translate("", marked) == ""


def test_a_batch_prefix_translates_the_note_it_carries():
    note = notes.AFTER_PAPERS % {"value": "0.50", "note": notes.REQUIRED_ONE_PLACE % {
        "required": "3.00", "active": "6.00", "names": "Ann, Bob"}}  # fmt: skip
    assert translate(note, marked) == (
        "<after the papers at 0.50, <votes required 3.00 = total active vote 6.00 / (1 place left + 1): "
        "Ann, Bob elected>>"
    )
