"""The voter's language in a real browser: Welsh from the browser's setting, switching on the ballot
keeps the marks, and Enter in a box still goes to the review (not to a language button)."""

import pytest

from tallyroom import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIR = "Regional chair"


def test_welsh_ballot_switch_and_enter(browser, live_server, shoot, viewports, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    election, codes = demo.load()
    context = browser.new_context(viewport=viewports["phone"], locale="cy-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/vote/")
    page.get_by_label("Eich cod pleidleisio").fill(codes[1])
    page.get_by_role("button", name="Ymlaen i'r papur pleidleisio").click()
    chair = page.locator("fieldset", has_text=CHAIR)
    chair.get_by_label("Ruth Ellison").fill("1")
    shoot(page, "phone-welsh-ballot")
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Review my ballot").wait_for()
    chair = page.locator("fieldset", has_text=CHAIR)
    kept = chair.get_by_label("Ruth Ellison").input_value()
    chair.get_by_label("Imran Qureshi").fill("2")
    chair.get_by_label("Imran Qureshi").press("Enter")
    page.get_by_role("button", name="Cast my vote").wait_for()
    reviewed = page.locator("section", has_text=CHAIR).locator("ol li").all_inner_texts()
    lang = page.evaluate("document.documentElement.lang")
    context.close()
    assert kept == "1" and reviewed == ["Ruth Ellison", "Imran Qureshi"] and lang == "en-gb"
