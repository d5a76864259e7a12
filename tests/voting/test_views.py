"""The voter's pages through Django's test client, without JavaScript: code, ballot, review, receipt;
the public lists of ballots; rate limits; staff pages."""

import hashlib
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.elections.models import Election, Slate
from tallyroom.voting.casting import cast
from tallyroom.voting.models import AttemptCounter, BallotCode

pytestmark = pytest.mark.django_db


def token(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def field(contest, i):
    return f"c{contest.pk}-{i}"


def start(client, code):
    response = client.post(reverse("voting:enter"), {"code": code})
    assert response.status_code == 200, response.content
    return response


def test_code_ballot_review_change_cast_receipt(setup):
    election, contests, members, codes = setup
    client = Client(enforce_csrf_checks=False)
    page = start(client, codes[2].lower().replace("-", " "))
    html = page.content.decode()
    assert "<legend>Executive</legend>" in html and "<legend>Auditors</legend>" in html
    assert f'<label for="{field(contests["stv"], 0)}">Ada</label>' in html
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    review = client.post(
        reverse("voting:ballot"),
        {
            "token": token(page),
            field(stv, 2): "1",
            field(stv, 0): "2",
            f"c{block.pk}": ["1"],
            f"c{chair.pk}": "",
        },
    )
    text = review.content.decode()
    assert review.status_code == 200 and "Check your ballot" in text
    assert re.search(r"<ol><li>Cy</li><li>Ada</li></ol>", text)
    assert "<ul><li>Fay</li></ul>" in text and "No vote" in text
    assert not SealedBallot.objects.exists()  # nothing stored before the cast
    change = client.post(reverse("voting:ballot"), {"token": token(review), "change": "1"})
    assert re.search(rf'id="{field(stv, 2)}"[^>]*value="1"', change.content.decode())
    review = client.post(
        reverse("voting:ballot"), {"token": token(change), field(stv, 3): "1", f"c{chair.pk}": "0"}
    )
    receipt = client.post(reverse("voting:cast"), {"token": token(review)})
    assert receipt.status_code == 200 and "Your vote is cast" in receipt.content.decode()
    trackers = re.findall(r'<code class="tracker">([A-Z0-9-]+)</code>', receipt.content.decode())
    assert sorted(trackers) == sorted(SealedBallot.objects.values_list("tracker", flat=True))
    again = client.post(reverse("voting:cast"), {"token": token(review)})
    assert again.status_code == 400 and "already been used" in again.content.decode()
    assert SealedBallot.objects.count() == 3
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[1:])
    assert sorted(map(tuple, Ballot.objects.values_list("preferences", flat=True))) == [(), ("Di",), ("Hal",)]


def test_slates_are_shown_on_the_ballot_only_when_they_ask(setup):
    election, contests, members, codes = setup
    shown = Slate.objects.create(election=election, name="Forward Together", show_on_ballot=True)
    hidden = Slate.objects.create(election=election, name="Quiet Slate", show_on_ballot=False)
    shown.candidates.add(contests["stv"].candidates.get(name="Ada"))
    hidden.candidates.add(contests["stv"].candidates.get(name="Bea"))
    html = start(Client(), codes[2]).content.decode()
    ada = field(contests["stv"], 0)
    assert f'<label for="{ada}">Ada <span class="slate">Forward Together</span></label>' in html
    assert "Quiet Slate" not in html


def test_errors_are_shown_at_the_fields(setup):
    election, contests, members, codes = setup
    client = Client()
    page = start(client, codes[2])
    stv = contests["stv"]
    response = client.post(
        reverse("voting:ballot"), {"token": token(page), field(stv, 0): "1", field(stv, 1): "3"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem with your ballot" in html and "there is no 2" in html
    assert f'href="#{field(stv, 0)}"' in html  # the summary links to the contest's first field
    assert "<legend>Auditors</legend>" in html  # voter 2 is on every roll
    assert f'aria-describedby="c{stv.pk}-help c{stv.pk}-error"' in html
    assert 'value="3"' in html
    response = client.post(reverse("voting:ballot"), {"token": token(page), field(stv, 0): "x"})
    assert f'aria-invalid="true" aria-describedby="{field(stv, 0)}-error"' in response.content.decode()


def test_ballot_shows_only_the_voters_contests(setup):
    election, contests, members, codes = setup
    html = start(Client(), codes[0]).content.decode()
    assert re.findall(r"<legend>([^<]+)</legend>", html) == ["Chair"]
    html = start(Client(), codes[1]).content.decode()
    assert re.findall(r"<legend>([^<]+)</legend>", html) == ["Executive", "Chair"]


def test_used_code_is_refused_and_not_counted_as_a_guess(setup):
    election, contests, members, codes = setup
    cast(codes[2], {})
    response = Client().post(reverse("voting:enter"), {"code": codes[2]})
    assert response.status_code == 400 and "already been used" in response.content.decode()
    assert not AttemptCounter.objects.filter(failures__gt=0).exists()  # its reservation given back


def test_wrong_or_forged_input_is_refused(setup):
    election, contests, members, codes = setup
    client = Client()
    response = client.post(reverse("voting:enter"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 400 and "not a valid ballot code" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    typo = client.post(reverse("voting:enter"), {"code": "k7qf-9xmb-2pwd-h4t"})
    assert typo.status_code == 400 and 'value="k7qf-9xmb-2pwd-h4t"' in typo.content.decode()  # issue 7 (9)
    escaped = client.post(reverse("voting:enter"), {"code": '"><b>x'}).content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in escaped
    forged = client.post(reverse("voting:cast"), {"token": "x:y:z"})
    assert forged.status_code == 400 and "expired" in forged.content.decode()
    unreviewed = client.post(reverse("voting:cast"), {"token": token(start(client, codes[2]))})
    assert unreviewed.status_code == 400 and not SealedBallot.objects.exists()


def test_code_guessing_is_rate_limited_per_client(setup, settings):
    election, contests, members, codes = setup
    settings.TALLYROOM_CODE_FAILURES_PER_CLIENT = 3
    settings.TALLYROOM_CODE_FAILURES_OVERALL = 5
    one, two = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    for _ in range(3):
        assert one.post(reverse("voting:enter"), {"code": "WRONG"}).status_code == 400
    refused = one.post(reverse("voting:enter"), {"code": codes[2]})
    assert refused.status_code == 429 and "Too many" in refused.content.decode()
    assert start(two, codes[2])  # another client is still served
    assert two.post(reverse("voting:enter"), {"code": "WRONG"}).status_code == 400
    assert two.post(reverse("voting:enter"), {"code": "WRONG"}).status_code == 400
    assert start(two, codes[3])  # 5 failures overall raise an alarm, not a block (test_ratelimit.py)
    assert AttemptCounter.objects.get(scope="everyone").failures == 5
    assert not any("192.0.2" in scope for scope in AttemptCounter.objects.values_list("scope", flat=True))


def test_public_list_of_trackers_only_once_the_box_is_opened(setup):
    election, contests, members, codes = setup
    client = Client()
    page = start(client, codes[2])
    review = client.post(reverse("voting:ballot"), {"token": token(page), field(contests["stv"], 1): "1"})
    receipt = client.post(reverse("voting:cast"), {"token": token(review)})
    mine = re.findall(r'<code class="tracker">([A-Z0-9-]+)</code>', receipt.content.decode())[0]
    url = reverse("voting:list", args=[election.slug, "stv"])
    assert client.get(url).status_code == 404
    lifecycle.close_voting(election, None)
    assert client.get(reverse("voting:lists", args=[election.slug])).status_code == 404
    lifecycle.open_box(election, None, election.shares[:2])
    assert (
        "Executive</a>: 1 ballot"
        in client.get(reverse("voting:lists", args=[election.slug])).content.decode()
    )
    html = client.get(url).content.decode()
    assert f"<li><code>{mine}</code></li>" in html and "1 ballot was in the box" in html
    assert "Bea" not in html  # what the ballot says is not shown beside its tracker
    found = client.get(url, {"tracker": mine.lower()}).content.decode()
    assert f'<code class="tracker">{mine}</code> was in the box and was counted.' in found
    assert "No ballot in this box has the tracker" in client.get(url, {"tracker": "NONE"}).content.decode()
    text = client.get(reverse("voting:list_txt", args=[election.slug, "stv"])).getvalue().decode()
    assert text == mine
    assert hashlib.sha256(text.encode()).hexdigest() in html
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy").get(url, {"tracker": mine}).content.decode()
    assert "Roedd 1 papur pleidleisio yn y blwch" in welsh
    assert "yn y blwch ac fe'i cyfrifwyd." in welsh


def test_staff_codes_page_issues_and_offers_the_postal_file(
    settings, tmp_path, officer, scrutineer, voting_election
):
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=3)
    url = reverse("voting:codes", args=[election.slug])
    assert Client().get(url).status_code == 302  # sign in first
    watcher = Client()
    watcher.force_login(scrutineer)
    assert watcher.get(url).status_code == 200
    assert watcher.post(reverse("voting:codes_issue", args=[election.slug])).status_code == 403
    ro = Client()
    ro.force_login(officer)
    response = ro.post(reverse("voting:codes_issue", args=[election.slug]), follow=True)
    assert "3 ballot codes issued: 2 emailed, 1 for post." in response.content.decode()
    name = next(tmp_path.glob("*.csv")).name
    download = ro.get(reverse("voting:codes_download", args=[election.slug, name]))
    assert download.status_code == 200 and b"membership_number" in b"".join(download.streaming_content)
    assert BallotCode.objects.filter(election=election).count() == 3
    reissued = ro.post(
        reverse("voting:codes_reissue", args=[election.slug]), {"number": members[1].number}, follow=True
    )
    assert "the old code no longer works" in reissued.content.decode()
    ro.post(reverse("voting:codes_delete", args=[election.slug, name]))
    assert not (tmp_path / name).exists()


def test_no_code_is_offered_or_sent_after_the_close(
    settings, tmp_path, officer, scrutineer, mailoutbox, voting_election
):
    """Issue 7 (6, 8): after the close "Replace a lost code" mailed a code that was then refused, and
    "Issue and send codes" was still offered; the scrutineer was shown the buttons."""
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(voters=3)
    url = reverse("voting:codes", args=[election.slug])
    ro = Client()
    ro.force_login(officer)
    Election.objects.filter(pk=election.pk).update(state=Election.State.DRAFT)
    early = ro.post(reverse("voting:codes_issue", args=[election.slug]), follow=True).content.decode()
    assert "has not opened: opening it issues and sends every voter" in early and not mailoutbox
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    watcher = Client()
    watcher.force_login(scrutineer)
    shown = watcher.get(url).content.decode()
    assert "Issue and send codes" not in shown and "Replace a lost code" not in shown
    ro.post(reverse("voting:codes_issue", args=[election.slug]))
    sent = len(mailoutbox)
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    page = ro.get(url).content.decode()
    assert "Issue and send codes" not in page and "Send a new code" not in page
    assert "has closed: no code can be issued, replaced or sent" in page
    for action, data in (("codes_reissue", {"number": members[1].number}), ("codes_issue", {})):
        refused = ro.post(reverse(f"voting:{action}", args=[election.slug]), data, follow=True)
        assert "has closed: no code can be issued" in refused.content.decode()
    assert len(mailoutbox) == sent and BallotCode.objects.filter(election=election).count() == 3


def test_a_code_for_an_election_not_open_is_refused_in_the_voters_language(setup):
    election, contests, members, codes = setup
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    client = Client()
    client.cookies["django_language"] = "cy"
    page = unescape(client.post(reverse("voting:enter"), {"code": codes[2]}).content.decode())
    assert f"Nid yw'r bleidlais ar agor yn {election.name}." in page
    assert "is not open" not in page
