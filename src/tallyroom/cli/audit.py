"""``tallyroom audit verify EXPORT [--head HASH] [--key KEY_ID]``: check an exported audit trail
offline, without the server or its database: the hash chain, every event's Ed25519 signature,
every published count against its ``contest.publish`` event, and (with ``--head``) that a head
published earlier is still in the chain, so events removed after it are found."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tallyroom.audit.trail import TrailFileError, read_trail, verify_trail

from . import CommandError


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="check an exported audit trail offline")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify", help="verify an export (from the audit page or manage audit_export)"
    )
    verify.add_argument("export", type=Path, help="the exported trail (JSON lines)")
    verify.add_argument("--head", metavar="HASH", help="a head published earlier (16 or more hex digits)")
    verify.add_argument("--key", metavar="KEY_ID", help="the signing key's id the events must be signed with")
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    with args.export.open(encoding="utf-8") as f:
        try:
            trail = read_trail(str(args.export), f)
        except TrailFileError as e:
            raise CommandError(str(e)) from None
        except UnicodeDecodeError:
            raise CommandError(f"{args.export}: not UTF-8 text") from None
    problems = verify_trail(trail, published_head=args.head, key=args.key)
    events = len(trail.events)
    if problems:
        print(f"{args.export}: the trail does NOT verify ({len(problems)} problems):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    keys = ", ".join(trail.keys)
    print(
        f"{args.export}: the trail verifies: {events} events signed with key {keys}, head {trail.head}, "
        f"{len(trail.counts)} published counts match their events"
        + (f"; published head {args.head} is in it" if args.head else "")
    )
    return 0
