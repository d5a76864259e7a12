"""``tallyroom audit verify EXPORT [--head HASH] [--key KEY_ID ...]``: check an exported audit
trail offline, without the server or its database: the hash chain, every event's Ed25519
signature (by its election's key, certified by the site's key, or by the site's key), every
published count against its ``contest.publish`` event, and (with ``--head``) that a head
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
    verify.add_argument(
        "--key",
        metavar="KEY_ID",
        action="append",
        default=[],
        help="a signing key's id the trail must use (the site's, or an election's); repeatable",
    )
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    with args.export.open(encoding="utf-8") as f:
        try:
            trail = read_trail(str(args.export), f)
        except TrailFileError as e:
            raise CommandError(str(e)) from None
        except UnicodeDecodeError:
            raise CommandError(f"{args.export}: not UTF-8 text") from None
    problems = verify_trail(trail, published_head=args.head, keys=args.key)
    events = len(trail.events)
    if problems:
        print(f"{args.export}: the trail does NOT verify ({len(problems)} problems):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    keys = ", ".join(trail.keys)
    elections = ", ".join(f"{k} ({v['slug'] or v['election']})" for k, v in trail.election_keys.items())
    print(
        f"{args.export}: the trail verifies: {events} events signed with site key {keys}"
        + (f" and election keys {elections}" if elections else "")
        + f", head {trail.head}, "
        f"{len(trail.counts)} published counts match their events"
        + (f"; published head {args.head} is in it" if args.head else "")
    )
    return 0
