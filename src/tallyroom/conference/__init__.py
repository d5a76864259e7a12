"""Conference rules that need no database: delegate entitlement (``entitlement``) and card
votes shared among the delegates present, with their line items (``card_votes``).

Nothing in this package imports Django: the web app, the command line and anyone checking a
published entitlement or card vote call the same functions. See docs/conference.md.
"""
