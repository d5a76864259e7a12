from roll.conftest import places, staff  # noqa: F401
