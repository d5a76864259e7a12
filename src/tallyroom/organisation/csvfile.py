"""Reading the CSV files staff upload: UTF-8 with a header row naming the columns.

Problems are :class:`~tallyroom.formats.errors.FormatError` (``file:line: problem``). A bad header
stops the read at once; a bad row is collected so that every bad row can be reported together.
The file is read line by line, never held whole, and each iteration reads it again from the
start: a large import checks every row in one pass and writes in a second, in bounded memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

from tallyroom.formats.errors import FormatError
from tallyroom.stored_words import Stored, gettext_noop, joined, plural_noop, stored

BOM = "\ufeff"


class Table:
    """The rows of a CSV file as ``(line, {column: stripped value})``; rows with the wrong number of
    cells are left out and added to ``errors``. ``line`` is the line the row starts on. The source
    is a path, or an open file (text or binary, such as an upload) that can seek to its start."""

    def __init__(self, source, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self._source = source
        is_path = isinstance(source, str | Path)
        self.name = str(source) if is_path else getattr(source, "name", None) or "upload"
        self.errors: list[FormatError] = []
        with closing(self._lines()) as lines:
            try:
                header = next(csv.reader(lines), None)
            except csv.Error as e:
                raise FormatError(self.name, 1, str(e)) from None
        if not header:
            raise FormatError(self.name, 1, stored(gettext_noop("empty file: expected a header row")))
        self.columns = [h.strip().lower() for h in header]
        missing = [c for c in required if c not in self.columns]
        unknown = [c for c in self.columns if c not in required and c not in optional]
        repeated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        problems = [
            stored(msgid, len(columns), columns=", ".join(columns))
            for msgid, columns in (
                (plural_noop("missing column %(columns)s", "missing columns %(columns)s"), missing),
                (plural_noop("unknown column %(columns)s", "unknown columns %(columns)s"), unknown),
                (plural_noop("repeated column %(columns)s", "repeated columns %(columns)s"), repeated),
            )
            if columns
        ]
        if problems:
            expected = ", ".join([*required, *optional])
            wrong = stored(
                gettext_noop("%(problems)s (the columns are %(expected)s)"),
                problems=joined(problems),
                expected=expected,
            )
            raise FormatError(self.name, 1, wrong)
        self.absent = {c: "" for c in optional if c not in self.columns}

    def _lines(self) -> Iterator[str]:
        """The file's lines from its start, decoded (a byte-order mark dropped); FormatError naming
        the line that is not UTF-8."""
        source = self._source
        with ExitStack() as stack:
            if isinstance(source, str | Path):
                handle = stack.enter_context(Path(source).open("rb"))
            else:
                handle = getattr(source, "file", source)  # an upload: its file, read as bytes
                handle.seek(0)
            for number, line in enumerate(handle, 1):
                if isinstance(line, bytes):
                    try:
                        line = line.decode("utf-8")
                    except UnicodeDecodeError:
                        raise FormatError(self.name, number, stored(gettext_noop("not UTF-8 text"))) from None
                yield line.removeprefix(BOM) if number == 1 else line

    def error(self, line: int, problem: str | Stored) -> None:
        self.errors.append(FormatError(self.name, line, problem))

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width, columns, absent = len(self.columns), self.columns, self.absent
        with closing(self._lines()) as lines:
            reader = csv.reader(lines)
            next(reader, None)  # the header, checked already
            end = reader.line_num
            while True:
                start = end + 1
                try:
                    row = next(reader, None)
                except csv.Error as e:
                    self.error(reader.line_num, str(e))
                    return
                if row is None:
                    return
                end = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != width:
                    self.error(
                        start,
                        stored(
                            gettext_noop("expected %(width)s cells, found %(found)s"),
                            width=width,
                            found=len(row),
                        ),
                    )
                    continue
                values = dict(zip(columns, (cell.strip() for cell in row), strict=True))
                if absent:
                    values.update(absent)
                yield start, values
