"""The one error every reader raises: it names the file, the line and the problem."""

from __future__ import annotations


class FormatError(ValueError):
    """Malformed input. ``str(e)`` reads ``path:line: problem`` (``path: problem`` when no one
    line is at fault), ready to print as it is."""

    def __init__(self, source: str, line: int | None, problem: str):
        self.source = str(source)
        self.line = line
        self.problem = problem
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {problem}")
