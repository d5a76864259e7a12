"""Plain-text emails rendered by string formatting: ``PlainEmail`` is a Django ``EmailMessage``
whose ``message()``, for a plain one-part message to one address (no attachments, no Cc or extra
headers, lines under 998 bytes), gives the very bytes Django's own would
(``tests/voting/test_plain_email.py`` compares them) in a small fraction of the time, and
otherwise is Django's own.

Sending a ballot code was mostly the mail backend rendering it: Django builds a MIME tree through
the standard library's ``email`` package, whose generator then folds every header, some 250-600 µs
a message on this machine, minutes for 640,000 codes. Here the headers that are the same in
every message of a run (Subject, From) are rendered once by Django and kept; a plain address
(``To``) and the body are written as they are. The file, console and SMTP backends only call
``message().as_bytes()`` (and ``get_charset()``); anything else asked of a ``Rendered`` message
is answered by the parsed message.
"""

from __future__ import annotations

import email
import functools
import time
from email.charset import Charset
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import DNS_NAME, RFC5322_EMAIL_LINE_LENGTH_LIMIT, SafeMIMEText

PLAIN_ADDRESS_MAX = 70  # an address of at most this many plain characters is written as it is
SPECIALS = frozenset(' \t\r\n\0<>,;:"()[]\\')


class Rendered:
    """A message's bytes, with what the mail backends ask of ``EmailMessage.message()``."""

    def __init__(self, data: bytes):
        self.data = data
        self._parsed = None

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", policy=None) -> bytes:
        return self.data if linesep == "\n" else self.data.replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, maxheaderlen: int = 0, policy=None) -> str:
        return self.data.decode()

    def get_charset(self) -> Charset:
        return Charset("utf-8")

    def __getattr__(self, name):
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.data)
        return getattr(self._parsed, name)

    def __getitem__(self, name):
        return self.__getattr__("__getitem__")(name)


@functools.lru_cache(maxsize=64)
def django_header(name: str, value: str) -> str:
    """The header ``name: value`` exactly as Django's ``message().as_bytes()`` writes it (encoded
    and folded as need be)."""
    msg = SafeMIMEText("", "plain", "utf-8")
    msg[name] = value
    head = msg.as_bytes().decode("ascii").split("\n\n", 1)[0]
    return head.split("\nContent-Transfer-Encoding: 7bit\n", 1)[1]


def _address(name: str, address: str) -> str:
    if (
        address.isascii()
        and len(address) <= PLAIN_ADDRESS_MAX
        and address.count("@") == 1
        and SPECIALS.isdisjoint(address)
    ):
        return f"{name}: {address}"
    return django_header(name, address)


_date = [-1, ""]  # the second formatted last, and its text


def _now() -> str:
    second = int(time.time())
    if _date[0] != second:
        _date[:] = [second, formatdate(second, localtime=settings.EMAIL_USE_LOCALTIME)]
    return _date[1]


def render(message: EmailMessage) -> Rendered | None:
    """``message`` rendered as Django's ``message()`` would, or None if it is not a plain
    one-part message to one address (Django then renders it)."""
    if (
        message.content_subtype != "plain"
        or message.attachments
        or message.extra_headers
        or message.cc
        or message.reply_to
        or len(message.to) != 1
        or (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
    ):
        return None
    body = message.body
    if "\r" in body:
        return None
    data = body.encode()
    if len(data) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
        len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in data.split(b"\n")
    ):
        return None  # Django would quote it
    head = "\n".join(
        [
            'Content-Type: text/plain; charset="utf-8"',
            "MIME-Version: 1.0",
            f"Content-Transfer-Encoding: {'7bit' if body.isascii() else '8bit'}",
            django_header("Subject", message.subject),
            django_header("From", message.from_email),
            _address("To", message.to[0]),
            f"Date: {_now()}",
            f"Message-ID: {make_msgid(domain=DNS_NAME)}",
        ]
    )
    return Rendered(head.encode() + b"\n\n" + data)


class PlainEmail(EmailMessage):
    """An ``EmailMessage`` rendered by ``render`` where it can be (see the module's docstring)."""

    def message(self):
        return render(self) or super().message()
