from roll.conftest import contest, election, places  # noqa: F401
