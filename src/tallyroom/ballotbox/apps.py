from django.apps import AppConfig


class BallotBoxConfig(AppConfig):
    name = "tallyroom.ballotbox"
    label = "ballotbox"
    verbose_name = "ballot box"
