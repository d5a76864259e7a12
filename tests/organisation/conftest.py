from roll.conftest import places  # noqa: F401
