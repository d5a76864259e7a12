"""Reading the CSV files staff upload: UTF-8 with a header row naming the columns.

Problems are :class:`~tallyroom.formats.errors.FormatError` (``file:line: problem``). A bad header
stops the read at once; a bad row is collected so that every bad row can be reported together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from tallyroom.formats.errors import FormatError


def read_text(source) -> tuple[str, str]:
    """``(name, text)`` of a path or an open file (text or binary, such as an upload)."""
    if isinstance(source, str | Path):
        name, data = str(source), Path(source).read_bytes()
    else:
        name, data = getattr(source, "name", None) or "upload", source.read()
    if isinstance(data, str):
        return name, data.removeprefix("\ufeff")
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormatError(name, data[: e.start].count(b"\n") + 1, "not UTF-8 text") from None


class Table:
    """The rows of a CSV file as ``(line, {column: stripped value})``; rows with the wrong number of
    cells are left out and added to ``errors``. ``line`` is the line the row starts on."""

    def __init__(self, source, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.name, text = read_text(source)
        self.errors: list[FormatError] = []
        self._reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(self._reader, None)
        except csv.Error as e:
            raise FormatError(self.name, 1, str(e)) from None
        if not header:
            raise FormatError(self.name, 1, "empty file: expected a header row")
        self.columns = [h.strip().lower() for h in header]
        missing = [c for c in required if c not in self.columns]
        unknown = [c for c in self.columns if c not in required and c not in optional]
        repeated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        problems = []
        if missing:
            problems.append(f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column{'s' * (len(unknown) > 1)} {', '.join(unknown)}")
        if repeated:
            problems.append(f"repeated column{'s' * (len(repeated) > 1)} {', '.join(repeated)}")
        if problems:
            expected = ", ".join([*required, *optional])
            raise FormatError(self.name, 1, f"{'; '.join(problems)} (the columns are {expected})")
        self.absent = {c: "" for c in optional if c not in self.columns}

    def error(self, line: int, problem: str) -> None:
        self.errors.append(FormatError(self.name, line, problem))

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width, columns, absent = len(self.columns), self.columns, self.absent
        end = self._reader.line_num
        while True:
            start = end + 1
            try:
                row = next(self._reader, None)
            except csv.Error as e:
                self.error(self._reader.line_num, str(e))
                return
            if row is None:
                return
            end = self._reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                self.error(start, f"expected {width} cells, found {len(row)}")
                continue
            values = dict(zip(columns, (cell.strip() for cell in row), strict=True))
            if absent:
                values.update(absent)
            yield start, values
