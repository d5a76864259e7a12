"""Django's makemessages, which also finds plurals marked with ``tallyroom.words.plural_noop``."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=plural_noop:1,2"]
