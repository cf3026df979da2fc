"""The English catalogue: every string translated, and the compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def po_entries() -> dict[tuple[str, str], str]:
    """(context, msgid) -> msgstr; the context is "" for the many strings without one. A plural
    entry gives its singular form ("msgstr[0]")."""
    entries: dict[tuple[str, str], str] = {}
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {"msgctxt": [], "msgid": [], "msgstr": [], "msgid_plural": [], "msgstr[1]": []}
        current = None
        for line in block.splitlines():
            if line.startswith("msgstr[0] "):
                line = "msgstr " + line.removeprefix("msgstr[0] ")
            if line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[1] ")):
                current, _sep, rest = line.partition(" ")
                parts[current].append(ast.literal_eval(rest))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            entries["".join(parts["msgctxt"]), msgid] = "".join(parts["msgstr"])
    return entries


def test_every_string_has_an_english_translation() -> None:
    entries = po_entries()
    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8")


def test_the_compiled_catalogue_matches_the_source() -> None:
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for (context, msgid), msgstr in po_entries().items()
        if msgstr
        not in {
            catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid),
            catalogue.ngettext(msgid, msgid, 1),  # a plural entry
        }
    ]
    assert stale == [], "run: manage.py compilemessages --ignore=.venv"
