"""Conference rules that need no database: delegate entitlement (``entitlement``).

Nothing in this package imports Django: the web app, the command line and anyone checking a
published entitlement call the same functions. See docs/conference.md.
"""
