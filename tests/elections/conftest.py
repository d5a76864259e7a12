from roll.conftest import contest, election, officer, places, scrutineer, staff  # noqa: F401
