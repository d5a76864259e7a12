"""``PlainEmail`` renders the very bytes Django's ``EmailMessage.message()`` would, through each
mail backend, and leaves to Django what it does not render itself."""

import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage, get_connection

from tallyroom.voting.plain_email import PlainEmail, render

VARYING = re.compile(rb"^(Date|Message-ID): .*$", re.M)

CASES = [
    ("Your ballot code: Leadership 2026", "Dear Member 1,\n\nYour code is ABCD.\n", "m1@example.org"),
    ("Your ballot code: Leadership 2026", "Annwyl Siân,\n\nEich cod: ABCD.\n", "m1@example.org"),
    ("Cod pleidleisio: Arweinydd Llafur Cymru – etholiad hir iawn " * 2, "Dear A,\n", "a@example.org"),
    ("A subject long enough to be folded by the generator, " * 3, "Dear A,\n", "a@example.org"),
    ("s", "From the start.\n.\n\n", "Siân Jones <sian@exämple.org>"),
    ("s", "body", '"odd, name"@example.org'),
    ("s", "a line of 998 bytes: " + "x" * 977, "a@example.org"),
]


def django_bytes(message: EmailMessage, linesep="\n") -> bytes:
    return EmailMessage.message(message).as_bytes(linesep=linesep)


@pytest.mark.parametrize("subject, body, to", CASES)
def test_the_same_bytes_as_django_renders(subject, body, to, settings):
    settings.DEFAULT_FROM_EMAIL = "Returning Officer <ro@example.org>"
    message = PlainEmail(subject=subject, body=body, to=[to])
    ours = render(message)
    assert ours is not None
    for linesep in ("\n", "\r\n"):
        assert VARYING.sub(b"", ours.as_bytes(linesep=linesep)) == VARYING.sub(
            b"", django_bytes(message, linesep)
        )
    assert ours["To"] == EmailMessage.message(message)["To"]


@pytest.mark.parametrize(
    "changes",
    [
        {"body": "a line of 999 bytes: " + "x" * 978},
        {"body": "windows\r\nline ends"},
        {"cc": ["c@example.org"]},
        {"headers": {"Reply-To": "r@example.org"}},
        {"to": ["a@example.org", "b@example.org"]},
    ],
)
def test_what_it_does_not_render_django_does(changes):
    message = PlainEmail(**{"subject": "s", "body": "b", "to": ["a@example.org"], **changes})
    assert render(message) is None
    assert VARYING.sub(b"", message.message().as_bytes()) == VARYING.sub(b"", django_bytes(message))


def test_an_attachment_is_left_to_django():
    message = PlainEmail(subject="s", body="b", to=["a@example.org"])
    message.attach("a.txt", "text", "text/plain")
    assert render(message) is None and b"a.txt" in message.message().as_bytes()


def test_through_the_file_backend(tmp_path, settings):
    settings.EMAIL_FILE_PATH = tmp_path
    backend = "django.core.mail.backends.filebased.EmailBackend"
    with get_connection(backend) as connection:
        connection.send_messages([PlainEmail(subject="s", body="Annwyl Siân,\n", to=["a@example.org"])])
    (written,) = tmp_path.iterdir()
    text = written.read_text(encoding="utf-8")
    assert "Content-Transfer-Encoding: 8bit\nSubject: s\n" in text and "\n\nAnnwyl Siân,\n" in text


def test_through_locmem_the_message_is_kept_whole():
    PlainEmail(subject="s", body="b", to=["a@example.org"]).send()
    assert mail.outbox[0].body == "b" and mail.outbox[0].to == ["a@example.org"]
