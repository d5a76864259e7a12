"""Every conference page in Welsh (the staff's, the delegate's phone ballot, the kiosk and the
projector), before a poll opens, while it is open and once it is declared: no page shows an
English text of the Welsh catalogue (tests/results/test_welsh_pages.py's check)."""

from results.test_welsh_pages import english_phrases, text_of
from tallyroom.ballotbox import keys
from tallyroom.conference import polls
from tallyroom.conference.models import Delegate, Delegation


def english_shown(client, urls) -> dict[str, list[str]]:
    """GET each URL in Welsh: the catalogue's English phrases each page shows."""
    phrases, found = english_phrases(), {}
    client.cookies["django_language"] = "cy"
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        html = page.content.decode()
        assert '<html lang="cy">' in html, url
        shown = sorted(p for p in phrases if p in text_of(html))
        if shown:
            found[url] = shown
    return found


def test_every_conference_page_is_in_welsh(client, conference, staff, check_in_all):
    check_in_all(conference)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    base = f"/conference/{conference.slug}"
    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    poll = polls.create_poll(conference, "Motion 1", key, staff)
    staff_pages = [
        f"{base}/",
        f"{base}/desk/",
        f"{base}/kiosks/",
        f"{base}/chair/",
        f"{base}/chair/new/",
        f"{base}/projector/",
        *(f"{base}/delegation/{d.pk}/" for d in Delegation.objects.filter(conference=conference)),
    ]
    assert english_shown(client, staff_pages) == {}
    refused = client.post(f"{base}/import/", follow=True).content.decode()
    assert "Dewiswch ffeil CSV o gynrychiolwyr." in refused and "Choose a CSV file" not in refused
    badge = client.post(f"{base}/badges/", {"delegate": [Delegate.objects.first().pk]})
    assert "Argraffwch y dudalen hon nawr" in text_of(badge.content.decode())
    code = badge.context["badges"][0].code
    assert english_shown(client, [f"{base}/vote/", f"{base}/v/{code}/"]) == {}
    polls.open_poll(poll, staff)
    assert english_shown(client, [*staff_pages, f"{base}/papers/{poll.pk}/", f"{base}/v/{code}/"]) == {}
    projector = text_of(client.get(f"{base}/projector/").content.decode())
    assert "Pleidleisio ar agor" in projector and "delegates present have voted" not in projector
    client.post(f"{base}/chair/{poll.pk}/", {"action": "declare", "share": [s.text for s in shares[:2]]})
    assert english_shown(client, staff_pages) == {}
    assert "Etholwyd:" in text_of(client.get(f"{base}/projector/").content.decode())
