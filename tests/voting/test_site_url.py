"""Code emails and mail-merge files point voters at TALLYROOM_SITE_URL, not at 127.0.0.1."""

import pytest
from django.core import mail

from tallyroom.voting.codes import send_codes

pytestmark = pytest.mark.django_db


def test_code_emails_and_the_mail_merge_name_the_site_url(setup, settings, tmp_path):
    settings.TALLYROOM_SITE_URL = "https://vote.example.org"
    settings.TALLYROOM_POSTAL_DIR = str(tmp_path)
    election, _, members, codes = setup
    sent = send_codes(list(zip(members, codes, strict=True)), election)
    assert sent.emailed and sent.posted
    assert all("Vote at https://vote.example.org/vote/ before" in m.body for m in mail.outbox)
    assert "https://vote.example.org/vote/" in sent.postal_file.read_text()
    assert "127.0.0.1" not in sent.postal_file.read_text()
