from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "tallyroom.voting"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
