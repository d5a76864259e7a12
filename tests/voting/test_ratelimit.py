"""Who counts as one client for the rate limit on code guessing."""

from django.test import RequestFactory

from tallyroom.voting.ratelimit import client_scope


def test_client_behind_a_proxy_is_the_address_the_proxy_appended(settings):
    settings.TALLYROOM_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    factory = RequestFactory()
    honest = factory.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    spoofing = factory.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    other = factory.get("/", HTTP_X_FORWARDED_FOR="203.0.113.8", REMOTE_ADDR="10.0.0.1")
    assert client_scope(spoofing) == client_scope(honest)  # a forged first entry changes nothing
    assert client_scope(other) != client_scope(honest)


def test_without_a_header_the_remote_address_is_the_client(settings):
    settings.TALLYROOM_CLIENT_IP_HEADER = ""
    factory = RequestFactory()
    a = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert client_scope(a) == client_scope(factory.get("/", REMOTE_ADDR="192.0.2.1"))
    assert client_scope(a) != client_scope(factory.get("/", REMOTE_ADDR="192.0.2.2"))
