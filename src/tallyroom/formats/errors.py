"""The one error every reader raises: it names the file, the line and the problem."""

from __future__ import annotations

from tallyroom.stored_words import Said, english, gettext_noop, said


class FormatError(ValueError):
    """Malformed input. ``str(e)`` reads ``path:line: problem`` (``path: problem`` when no one
    line is at fault), in English, ready to print as it is. The problem is given as a message
    (``tallyroom.stored_words``), kept in ``said``, or as plain text (``said`` None), shown as it
    stands in any language; ``message`` is the whole text as a message, for a page to show in its
    reader's language (``tallyroom.words.read(e.message)``) or a job to keep."""

    def __init__(self, source: str, line: int | None, problem: str | Said):
        self.source = str(source)
        self.line = line
        self.said = None if isinstance(problem, str) else problem
        self.problem = problem if isinstance(problem, str) else english(problem)
        super().__init__(english(self.message))

    @property
    def message(self) -> Said:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return said(gettext_noop("%(where)s: %(problem)s"), where=where, problem=self.said or self.problem)
