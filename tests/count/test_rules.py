import dataclasses

import pytest

from tallyroom.count import method_names, rule_set


def test_presets_name_every_method():
    assert {"plurality", "block", "approval", "irv", "scottish-stv", "wigm", "ers97", "meek"} <= set(
        method_names()
    )


def test_preset_options():
    irv = rule_set("irv")
    assert (irv.algorithm, irv.options.ties, irv.options.bulk_exclusion) == (
        "irv",
        ("backward", "lot"),
        False,
    )
    assert irv.options_dict() == {"ties": ("backward", "lot"), "bulk_exclusion": False}
    assert irv.module.__name__ == "tallyroom.count.irv"
    assert rule_set("block").options.marks == "seats"


def test_unknown_method_and_option():
    with pytest.raises(ValueError, match="unknown method 'stv2'; choose from plurality, block"):
        rule_set("stv2")
    with pytest.raises(
        ValueError, match="method irv has no option 'quota'; its options are ties, bulk_exclusion"
    ):
        rule_set("irv", {"quota": "droop"})


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("Yes", True), ("1", True), ("off", False), ("no", False)]
)
def test_bool_options_from_text(text, value):
    assert rule_set("irv", {"bulk_exclusion": text}).options.bulk_exclusion is value


def test_options_from_text():
    assert rule_set("irv", {"ties": "forward, order"}).options.ties == ("forward", "order")
    assert rule_set("irv", {"ties": ["order"]}).options.ties == ("order",)
    with pytest.raises(ValueError, match="bulk_exclusion takes true or false, not 'maybe'"):
        rule_set("irv", {"bulk_exclusion": "maybe"})
    with pytest.raises(ValueError, match="marks must be one of first, seats, all"):
        rule_set("plurality", {"marks": "some"})


def test_an_unknown_tie_rule_is_refused_before_the_count():
    with pytest.raises(ValueError, match="unknown tie rule 'backwards'; choose from backward, forward"):
        rule_set("scottish-stv", {"ties": ["backwards", "lot"]})


def test_options_dict_is_asdict_without_the_copy_because_every_option_is_immutable():
    for name in method_names():
        options = rule_set(name).options
        for f in dataclasses.fields(options):
            value = getattr(options, f.name)
            assert isinstance(value, str | int | float) or (
                isinstance(value, tuple) and all(isinstance(v, str) for v in value)
            ), (name, f.name, value)
        assert rule_set(name).options_dict() == dataclasses.asdict(options)
