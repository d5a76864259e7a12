"""The one error every reader raises: it names the file, the line and the problem."""

from __future__ import annotations

from collections.abc import Callable

from tallyroom.stored_words import Said, english


class FormatError(ValueError):
    """Malformed input. ``str(e)`` reads ``path:line: problem`` (``path: problem`` when no one
    line is at fault), in English, ready to print as it is. The problem is given as a message
    (``tallyroom.stored_words``), kept in ``said`` for a page to show in its reader's language
    (``text_in(tallyroom.words.read)``), or as plain text (``said`` None), shown as it stands."""

    def __init__(self, source: str, line: int | None, problem: str | Said):
        self.source = str(source)
        self.line = line
        self.said = None if isinstance(problem, str) else problem
        self.problem = problem if isinstance(problem, str) else english(problem)
        super().__init__(self.text_in(english))

    def problem_in(self, words: Callable[[Said], str]) -> str:
        """The problem written by ``words`` (a message -> its text)."""
        return self.problem if self.said is None else words(self.said)

    def text_in(self, words: Callable[[Said], str]) -> str:
        """``path:line: problem``, the problem written by ``words``."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.problem_in(words)}"
