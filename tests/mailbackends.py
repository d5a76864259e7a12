"""Mail backends for tests: locmem's, made to fail the way a real mail server can."""

import smtplib

from django.core import mail
from django.core.mail.backends import locmem


class Flaky(locmem.EmailBackend):
    """locmem's backend, set by class attributes: ``down_after`` (messages accepted before the
    server goes down: every later message fails with ConnectionError until it is set to None),
    ``blips`` (that many transient failures, then it recovers), ``refuse`` (addresses refused for
    good, as SMTP's RCPT TO refuses them), ``on_send`` (called with each message as it is handed
    over, before it is delivered). ``reset()`` puts it back up."""

    down_after: int | None = None
    blips = 0
    refuse: frozenset[str] = frozenset()
    on_send = None

    @classmethod
    def reset(cls):
        cls.down_after, cls.blips, cls.refuse, cls.on_send = None, 0, frozenset(), None

    def send_messages(self, messages):
        cls = type(self)
        for message in messages:
            if cls.down_after is not None and len(getattr(mail, "outbox", [])) >= cls.down_after:
                raise ConnectionError("mail server down")
            if cls.blips:
                cls.blips -= 1
                raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
            if set(message.to) & cls.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such mailbox")})
            if cls.on_send is not None:
                cls.on_send(message)
        return super().send_messages(messages)
