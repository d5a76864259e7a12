"""The one error every reader raises: it names the file, the line and the problem."""

from __future__ import annotations

from tallyroom.stored_words import Stored, english, gettext_noop, stored


class FormatError(ValueError):
    """Malformed input. ``str(e)`` reads ``path:line: problem`` (``path: problem`` when no one
    line is at fault), in English, ready to print as it is. The problem is given as a message
    (``tallyroom.stored_words``), kept in ``problem_words``, or as plain text (``problem_words``
    None), shown as it stands in any language; ``words`` is the whole text as a message, for a
    page to show in its reader's language (``tallyroom.words.read(e.words)``) or a job to keep."""

    def __init__(self, source: str, line: int | None, problem: str | Stored):
        self.source = str(source)
        self.line = line
        self.problem_words = None if isinstance(problem, str) else problem
        self.problem = problem if isinstance(problem, str) else english(problem)
        super().__init__(english(self.words))

    @property
    def words(self) -> Stored:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return stored(
            gettext_noop("%(where)s: %(problem)s"), where=where, problem=self.problem_words or self.problem
        )
