"""Django's makemessages, which also finds plurals marked with ``tallyroom.words.plural_noop``, and
the counting methods' descriptions in ``count/rules.toml`` (shown translated in the staff's method
list; the engine keeps them as data, so xgettext would not see them)."""

import tempfile
from pathlib import Path

from django.core.management.commands import makemessages

from tallyroom.count import method_names, rule_set


def descriptions_source() -> str:
    """Python that marks each rule set's description, for xgettext to read."""
    described = [rule_set(name).description for name in method_names()]
    return "".join(f"gettext_noop({text!r})\n" for text in described if text)


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=plural_noop:1,2"]

    def build_potfiles(self):
        with tempfile.TemporaryDirectory() as folder:
            self.descriptions = Path(folder)
            (self.descriptions / "rules_toml.py").write_text(descriptions_source(), encoding="utf-8")
            return super().build_potfiles()

    def find_files(self, root):
        files = super().find_files(root)
        locale_dir = next(f.locale_dir for f in files if f.path.endswith("rules.py"))
        return [*files, self.translatable_file_class(str(self.descriptions), "rules_toml.py", locale_dir)]
