"""The roll's recorded exclusion reasons where the appeals register and the class decision pages
list them, and the "Class decision n:" that starts the reason of a case a class decision
settled, in the reader's language (old rows read the same: the reason is stored as before)."""

import pytest
from django.test import Client
from django.urls import reverse

from results.test_welsh_pages import text_of
from tallyroom.appeals.cases import lodge
from tallyroom.appeals.classes import decide_class
from tallyroom.appeals.models import Case, Outcome
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.roll.models import RollEntry

from .conftest import late_member
from .test_views import signed_in
from .test_welsh import welsh

pytestmark = pytest.mark.django_db
WHY = "the freeze date was misprinted"


def text(response) -> str:
    """The page's visible text (not an option's value: the rule as recorded, which the form posts)."""
    assert response.status_code == 200
    return text_of(response.content.decode())


@pytest.fixture
def settled(appeals):
    """Lena's appeal settled by an upheld class decision on the late joiners of the STV contest;
    a lapsed member in arrears still off every roll."""
    stv = appeals.contests["stv"]
    lapsed = late_member("L9", appeals.contests.values())
    RollEntry.objects.filter(member=lapsed).update(reason="status lapsed; not paid up")
    case = lodge(appeals.lena, appeals.election, [stv], "paid")
    one, two, _ = appeals.panel
    decision = decide_class(appeals.election, [stv], JOINED_LATE, Outcome.UPHELD, WHY, [one, two], one)
    case.refresh_from_db()
    assert case.class_decision == decision and case.decision_reason == f"Class decision {decision.pk}: {WHY}"
    return case


def test_the_register_and_the_class_pages_list_reasons_in_welsh(appeals, settled, scrutineer):
    n = settled.class_decision_id
    register = text(welsh(scrutineer).get(reverse("appeals:register", args=[appeals.election.slug])))
    class_page = text(welsh(scrutineer).get(reverse("appeals:class", args=[n])))
    url = reverse("appeals:class_decision", args=[appeals.election.slug])
    form = text(welsh(appeals.panel[0]).get(url))
    for page in (register, class_page, form):
        assert "ymunodd ar ôl y dyddiad rhewi" in page
        assert "joined after" not in page
    assert "aelodaeth wedi darfod; heb dalu'n llawn (3)" in form
    assert "status lapsed" not in form and "not paid up" not in form
    assert f"Penderfyniad dosbarth {n}: {WHY}" in register and f"Class decision {n}:" not in register
    english = Client()
    english.force_login(scrutineer)
    in_english = text(english.get(reverse("appeals:register", args=[appeals.election.slug])))
    assert "joined after freeze date" in in_english and f"Class decision {n}: {WHY}" in in_english


def test_the_class_decision_s_reason_in_welsh_on_the_case_and_the_standing_page(appeals, settled, staff):
    n = settled.class_decision_id
    case = text(welsh(staff).get(reverse("appeals:case", args=[settled.pk])))
    assert f"Penderfyniad dosbarth {n}: {WHY}" in case and f"Class decision {n}:" not in case
    standing = text(signed_in(appeals.lena, welsh()).get(reverse("appeals:standing")))
    assert f"Penderfyniad dosbarth {n}: {WHY}" in standing and f"Class decision {n}:" not in standing
    english = Client()
    english.force_login(staff)
    assert f"Class decision {n}: {WHY}" in text(english.get(reverse("appeals:case", args=[settled.pk])))


def test_a_reason_not_starting_with_its_class_decision_stands(appeals, settled, staff):
    Case.objects.filter(pk=settled.pk).update(decision_reason="Class decision 999: typed by hand")
    case = text(welsh(staff).get(reverse("appeals:case", args=[settled.pk])))
    assert "Class decision 999: typed by hand" in case
