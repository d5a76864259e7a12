"""``tallyroom keys ceremony``: make an election's key and its trustees' shares, on a machine off
the network (docs/secrecy.md walks through the ceremony). Django is not imported.

It writes ``election-key.json`` (the public half: install it on the server with ``tallyroom
manage install_key ELECTION election-key.json``) and one ``share-N-NAME.txt`` per trustee, for
each trustee to take away; the private key itself is never written anywhere.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("keys", help="the trustees' key ceremony")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = actions.add_parser("ceremony", help="make an election key shared among trustees, k of n")
    c.add_argument("--trustee", action="append", required=True, metavar="NAME", help="a trustee (repeat)")
    c.add_argument(
        "--threshold", type=int, required=True, metavar="K", help="trustees needed to open the box"
    )
    c.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new or empty folder")
    c.set_defaults(run=run_ceremony)


def share_filename(index: int, name: str) -> str:
    return f"share-{index}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-') or 'trustee'}.txt"


def run_ceremony(args: argparse.Namespace) -> int:
    from tallyroom.ballotbox.keys import ceremony  # here, so other commands do not load the cryptography

    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out}: not empty; the ceremony writes into a new or empty folder")
    key, shares = ceremony(args.trustee, args.threshold)
    out.mkdir(parents=True, exist_ok=True)
    (out / "election-key.json").write_text(key.to_json() + "\n")
    for share, name in zip(shares, key.trustees, strict=True):
        path = out / share_filename(share.index, name)
        path.touch(mode=0o600)
        path.write_text(f"{share.text}\n")
    print(f"key {key.fingerprint}: {key.threshold} of {len(key.trustees)} trustees open the box")
    print(f"  public half: {out / 'election-key.json'} (install it on the server)")
    for share, name in zip(shares, key.trustees, strict=True):
        print(f"  {name}: {out / share_filename(share.index, name)} (give it to them alone, then delete it)")
    return 0
