"""Conference voting.

The rules need no database: delegate entitlement (``entitlement``) and card votes shared among the
delegates present, with their line items (``card_votes``). Neither imports Django: the web app,
the command line and anyone checking a published entitlement or card vote call the same functions.

The Django app (``models``, ``delegations``, ``seating``, ``polls``, ``views``) holds a conference's
delegations and delegates, registration on the day and the in-room polls, whose ballots go into
the one ballot box. See docs/conference.md.
"""
