"""The English catalogue: every string translated, and the compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def po_entries() -> dict[tuple[str, str], str]:
    """(context, msgid) -> msgstr; the context is "" for the many strings without one. A plural
    entry's msgstr is its forms joined by a NUL ("" when one form is empty), as gettext's .mo
    keeps them; its key is (context, msgid + NUL + msgid_plural)."""
    entries: dict[tuple[str, str], str] = {}
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {}
        current = None
        for line in block.splitlines():
            if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                current, _sep, rest = line.partition(" ")
                parts.setdefault(current, []).append(ast.literal_eval(rest))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts.get("msgid", []))
        if not msgid:
            continue
        context = "".join(parts.get("msgctxt", []))
        if "msgid_plural" in parts:
            forms = ["".join(parts.get(f"msgstr[{n}]", [])) for n in range(2)]
            plural = "".join(parts["msgid_plural"])
            entries[context, f"{msgid}\0{plural}"] = "\0".join(forms) if all(forms) else ""
        else:
            entries[context, msgid] = "".join(parts.get("msgstr", []))
    return entries


def _compiled(catalogue: gettext.GNUTranslations, context: str, msgid: str) -> str:
    if "\0" in msgid:
        singular, plural = msgid.split("\0")
        if context:
            return "\0".join(catalogue.npgettext(context, singular, plural, n) for n in (1, 2))
        return "\0".join(catalogue.ngettext(singular, plural, n) for n in (1, 2))
    return catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)


def test_every_string_has_an_english_translation() -> None:
    entries = po_entries()
    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8")


def test_the_compiled_catalogue_matches_the_source() -> None:
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid for (context, msgid), msgstr in po_entries().items() if _compiled(catalogue, context, msgid) != msgstr
    ]
    assert stale == [], "run: manage.py compilemessages --ignore=.venv"
