"""Fuzz the file parsers with atheris (libFuzzer, coverage-guided), beyond the hypothesis tests
in tests/hostile: a crash is any exception but the parser's own error naming file and line.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python scripts/fuzz_parsers.py blt -runs=200000      # or csv, members, structure

The members and structure parsers need Django: they run against a throwaway SQLite database.
Extra arguments go to libFuzzer (``-runs=N``, ``-max_total_time=S``, a corpus folder).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from tallyroom.formats import FormatError, parse_blt, parse_csv_ballots


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.test_settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/fuzz.sqlite3"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


MEMBER_HEADERS = (
    b"number,name,unit,joined,status,category\n",
    b"number,name,unit,joined,status,category,email,address\n",
)
STRUCTURE_HEADERS = (b"type,code,name\n", b"type,code,name,kind,region,affiliated_members\n")


def _upload(data: bytes, name: str, headers: tuple[bytes, ...]):
    """The file: a right header chosen by the first byte (so the fuzzer reaches the rows), or none."""
    choice = data[0] % (len(headers) + 1) if data else len(headers)
    stream = io.BytesIO((headers[choice] if choice < len(headers) else b"") + data[1:])
    stream.name = name
    return stream


def blt(data: bytes) -> None:
    try:
        parse_blt(data, "fuzz.blt")
    except FormatError as e:
        assert e.source == "fuzz.blt"


def csv_ballots(data: bytes) -> None:
    try:
        parse_csv_ballots(data, "fuzz.csv")
    except FormatError as e:
        assert e.source == "fuzz.csv"


def members(data: bytes) -> None:
    from tallyroom.roll.importer import MemberImportError, import_members

    with contextlib.suppress(MemberImportError, FormatError):
        import_members(_upload(data, "members.csv", MEMBER_HEADERS))


def structure(data: bytes) -> None:
    from tallyroom.organisation.importer import StructureImportError, import_structure

    with contextlib.suppress(StructureImportError, FormatError):
        import_structure(_upload(data, "structure.csv", STRUCTURE_HEADERS))


TARGETS = {"blt": blt, "csv": csv_ballots, "members": members, "structure": structure}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(TARGETS)} [libFuzzer options]")
    target = TARGETS[sys.argv.pop(1)]
    if target in (members, structure):
        _django()
        from tallyroom.organisation import importer as _structure_importer  # noqa: F401
        from tallyroom.roll import importer as _member_importer  # noqa: F401

        atheris.instrument_all()  # the importers and what they call, for coverage guidance
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
