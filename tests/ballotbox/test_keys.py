"""The trustees' key: any k of n shares open it; fewer, wrong, tampered or foreign shares do not."""

import itertools

import pytest

from tallyroom.ballotbox import keys


@pytest.fixture(scope="module")
def ceremony():
    return keys.ceremony(["Ann", "Bob", "Cy", "Di"], 3)


def sealed_to(key, content):
    return keys.seal(key.public, content, keys.pad_size(["Ada", "Bea"]))


def test_any_k_of_n_shares_open_a_sealed_ballot(ceremony):
    key, shares = ceremony
    sealed = sealed_to(key, {"p": ["Ada"], "w": "1", "c": ""})
    for chosen in itertools.combinations(shares, 3):
        private = keys.recover(key, [s.text for s in chosen])
        assert keys.opener(private)(sealed) == {"p": ["Ada"], "w": "1", "c": ""}


def test_k_minus_one_shares_are_refused(ceremony):
    key, shares = ceremony
    with pytest.raises(keys.ShareError, match="3 trustees' shares are needed to open the box; 2 given"):
        keys.recover(key, [shares[0].text, shares[1].text])


def test_the_same_share_twice_does_not_count_twice(ceremony):
    key, shares = ceremony
    with pytest.raises(keys.ShareError, match="Bob's share was given twice"):
        keys.recover(key, [shares[1].text, shares[1].text, shares[2].text])


def test_a_tampered_share_is_named_before_it_is_used(ceremony):
    key, shares = ceremony
    text = shares[2].text
    tampered = text[:-1] + ("0" if text[-1] != "0" else "1")
    with pytest.raises(keys.ShareError, match=r"share 2 \(Cy's\) is not the share made at the ceremony"):
        keys.recover(key, [shares[0].text, tampered, shares[3].text])


def test_a_share_of_another_key_is_refused(ceremony):
    key, shares = ceremony
    _, others = keys.ceremony(["Ann", "Bob", "Cy", "Di"], 3)
    with pytest.raises(keys.ShareError, match="share 3 belongs to another election's key"):
        keys.recover(key, [shares[0].text, shares[1].text, others[2].text])


def test_garbage_is_not_a_share(ceremony):
    key, _ = ceremony
    with pytest.raises(keys.ShareError, match="share 1: not a trustee's share"):
        keys.recover(key, ["my password is hunter2"])


def test_shares_consistent_with_the_digests_but_not_the_key_are_refused(ceremony):
    """Someone rewrites the stored digests to fit shares of their own: the wrapped key then fails."""
    key, shares = ceremony
    other, forged = keys.ceremony(["Ann", "Bob", "Cy", "Di"], 3)
    forged = [keys.Share(key.fingerprint, s.index, s.secret) for s in forged]
    rewritten = keys.PublicKey(key.public, key.wrapped, 3, key.trustees, tuple(s.digest for s in forged))
    with pytest.raises(keys.ShareError, match="do not open this election's key"):
        keys.recover(rewritten, [s.text for s in forged[:3]])


def test_the_key_file_round_trips_and_bad_files_are_named(ceremony):
    key, _ = ceremony
    assert keys.PublicKey.from_json(key.to_json()) == key
    with pytest.raises(keys.ShareError, match="not a valid election key file"):
        keys.PublicKey.from_json('{"format": "something else"}')


def test_sealed_ballots_hide_their_length_and_never_repeat(ceremony):
    key, _ = ceremony
    a = sealed_to(key, {"p": ["Ada"], "w": "1", "c": ""})
    b = sealed_to(key, {"p": ["Ada", "Bea"], "w": "5/2", "c": "affiliates"})
    c = sealed_to(key, {"p": ["Ada"], "w": "1", "c": ""})
    assert len(a) == len(b) == len(c) and a != c


def test_a_ballot_that_does_not_fit_is_refused(ceremony):
    key, _ = ceremony
    with pytest.raises(ValueError, match="does not fit"):
        keys.seal(key.public, {"p": ["x" * 600]}, keys.pad_size(["Ada"]))


@pytest.mark.parametrize(
    ("trustees", "k", "message"), [(["A", "A"], 1, "once"), (["A", "B"], 3, "from 1 to 2")]
)
def test_ceremony_refuses_bad_arguments(trustees, k, message):
    with pytest.raises(keys.ShareError, match=message):
        keys.ceremony(trustees, k)


def test_one_of_n_works(ceremony):
    key, shares = keys.ceremony(["Solo", "Backup"], 1)
    sealed = sealed_to(key, {"p": [], "w": "1", "c": ""})
    assert keys.opener(keys.recover(key, [shares[1].text]))(sealed)["p"] == []
