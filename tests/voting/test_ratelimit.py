"""The rate limit on code guessing: who counts as one client, limits per address and per IPv6
/64, and no global block that guessers could turn against voters."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.voting import views
from tallyroom.voting.ratelimit import client_scope, scopes


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def enter(address: str, code: str) -> int:
    return Client(REMOTE_ADDR=address).post(reverse("voting:enter"), {"code": code}).status_code


@pytest.mark.django_db
def test_seven_addresses_guessing_do_not_lock_out_a_fresh_voter(setup, settings, officer):
    """The attack: 7 addresses x 10 wrong codes tripped a global limit of 50, after which a valid
    code from a fresh address got 429. Now there is no global block, only an alarm."""
    election, contests, members, codes = setup
    settings.TALLYROOM_CODE_FAILURES_OVERALL = 50
    for i in range(7):
        assert [enter(f"192.0.2.{i}", f"WRONG-{j}") for j in range(10)] == [400] * 10
        assert enter(f"192.0.2.{i}", "WRONG") == 429  # each address is held to its own limit
    assert enter("198.51.100.99", codes[2]) == 200  # the fresh voter gets the ballot
    alarms = Event.objects.filter(verb="voting.code_guessing_alarm")
    assert alarms.count() == 1 and alarms.get().data["unknown_codes"] == 50
    banner = client_for(officer).get("/").content.decode()
    assert "70 unknown ballot codes were tried in the last 15 minutes" in banner
    assert "unknown ballot codes" not in Client().get("/").content.decode()  # not for the public


@pytest.mark.django_db
def test_an_ipv6_network_is_held_to_its_limit_whatever_its_addresses(setup, settings):
    election, contests, members, codes = setup
    settings.TALLYROOM_CODE_FAILURES_PER_CLIENT = 3
    settings.TALLYROOM_CODE_FAILURES_PER_NETWORK = 5
    statuses = [enter(f"2001:db8:1:2::{i:x}", "WRONG") for i in range(1, 8)]  # a new address each time
    assert statuses == [400] * 5 + [429] * 2
    assert enter("2001:db8:1:3::1", codes[2]) == 200  # the next /64 is another subscriber
    assert enter("2001:db8:1:2::ff", codes[3]) == 429  # the guessing /64 waits for the window


@pytest.mark.django_db
def test_right_and_spent_codes_give_their_place_back(setup, settings):
    election, contests, members, codes = setup
    settings.TALLYROOM_CODE_FAILURES_PER_CLIENT = 2
    for code in codes[1:5]:  # four voters behind one address, each with a right code
        assert enter("192.0.2.50", code) == 200
    assert enter("192.0.2.50", "WRONG") == 400 and enter("192.0.2.50", "WRONG") == 400
    assert enter("192.0.2.50", codes[5]) == 429


@pytest.mark.django_db
def test_a_database_failure_during_the_lookup_charges_the_address_nothing(setup, settings, monkeypatch):
    """The fault (bench/soak.py): the database failing after the reservation was taken (restarting,
    or the web worker killed) left it held as if a wrong code had been tried, so a few such
    failures locked out every voter behind the address for the window. Now the reservation is
    in the lookup's transaction and goes with it."""
    election, contests, members, codes = setup
    settings.TALLYROOM_CODE_FAILURES_PER_CLIENT = 2

    def database_down(code):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "voter", database_down)
    client = Client(REMOTE_ADDR="192.0.2.60", raise_request_exception=False)
    for _ in range(3):
        assert client.post(reverse("voting:enter"), {"code": codes[1]}).status_code == 500
    monkeypatch.undo()
    assert enter("192.0.2.60", codes[1]) == 200  # the voter, once the database is back


def test_an_ipv4_mapped_address_counts_as_the_ipv4_one():
    factory = RequestFactory()
    mapped = scopes(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1"))
    assert len(mapped) == 1  # no /64 for it
    assert len(scopes(factory.get("/", REMOTE_ADDR="2001:db8::1"))) == 2
