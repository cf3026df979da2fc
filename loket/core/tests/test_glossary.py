"""Retired terms (docs/glossary.md) stay out of every user-facing string.

What is read: every string literal of a gettext call in the apps' Python (the msgids, also
of `gettext_noop` message texts and model labels), every template (comments removed), the
other user-facing literals listed below, and the English translations in the `.po`. The
`.po` itself must have no fuzzy and no empty entry.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APPS = ROOT / "loket"
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "docs" / "glossary.md"


GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


@dataclass(frozen=True)
class Retired:
    pattern: str  # a regular expression
    glossary: str  # the retired word as docs/glossary.md names it
    only: tuple[str, ...] = ()  # path prefixes where it is retired; empty: everywhere
    flags: re.RegexFlag = re.IGNORECASE


INDONESIAN = [
    Retired(r"\bjendela\b", "jendela"),
    Retired(r"\bkursi\b", "kursi"),
    Retired(r"\bjanji temu\b", "janji temu"),
    Retired(r"\b(di)?rilis\b", "dirilis"),
    Retired(r"\bjangkauan\b", "di luar jangkauan"),
    Retired(r"\bpolikarbonat\b", "polikarbonat"),
    Retired(r"\bQR pemesanan\b", "QR pemesanan"),
    Retired(r"\bKTP\b(?!-el)", 'KTP (without "-el")', flags=re.NOFLAG),
    Retired(r"\bpemesanan \S+ kedaluwarsa\b|\bpemesanan kedaluwarsa\b", "kedaluwarsa (for a booking)"),
    # "Pesan" alone reads as "message": a menu item or heading says "Buat jadwal". A msgid with a
    # context ("a text message") is written "context\x04msgid", as gettext stores it, and passes.
    Retired(r'^Pesan$|{% translate "Pesan" %}|>\s*Pesan\s*<', 'a bare "Pesan"', flags=re.NOFLAG),
    # The kiosk speaks to the person standing in front of it, in the public's words.
    Retired(
        r"\bcheck-in\b|\bpemohon\b",
        "meja check-in (to the public)",
        only=("loket/onsite/templates/onsite/kiosk", "loket/onsite/services/checkin.py", "loket/onsite/lookup.py"),
    ),
]
ENGLISH = [
    Retired(r"\bwindows?\b", "arrival window"),
    Retired(r"\bseats?\b", "seat"),
    Retired(r"\bpolycarbonate\b", "polycarbonate"),
    Retired(r"\bhorizon\b", "beyond horizon"),
    Retired(r"\breleased?\b", "released"),
]


@dataclass(frozen=True)
class Text:
    where: str  # path relative to the repository, with a line
    text: str


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _checked(path: Path) -> bool:
    rel = _relative(path)
    return "/tests/" not in rel and "/migrations/" not in rel


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def python_texts(path: Path) -> list[Text]:
    """The msgids of a module (the string arguments of its gettext calls)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and _call_name(node) in GETTEXT:
            args = node.args
            prefix = ""
            if _call_name(node).startswith(("pgettext", "npgettext")) and args:
                context, args = args[0], args[1:]
                prefix = f"{context.value}\x04" if isinstance(context, ast.Constant) else "?\x04"
            out += [
                Text(f"{_relative(path)}:{a.lineno}", prefix + a.value)
                for a in args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
    return out


TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def template_texts(path: Path) -> list[Text]:
    """A template's text and tags, comments removed, line by line."""
    text = TEMPLATE_COMMENT.sub("", path.read_text())
    return [Text(f"{_relative(path)}:{n}", line) for n, line in enumerate(text.splitlines(), start=1)]


# User-facing text that is not a msgid: the API's description, outage notices sent as SMS.
OTHER_TEXTS = [APPS / "api" / "main.py", APPS / "walkin" / "outage.py"]


def literal_texts(path: Path) -> list[Text]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    return [
        Text(f"{_relative(path)}:{n.lineno}", n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def indonesian_texts() -> list[Text]:
    texts: list[Text] = []
    for path in sorted(APPS.rglob("*.py")):
        if _checked(path):
            texts += python_texts(path)
    for path in sorted(APPS.rglob("templates/**/*.html")) + sorted(APPS.rglob("templates/**/*.txt")):
        if _checked(path):
            texts += template_texts(path)
    for path in OTHER_TEXTS:
        texts += literal_texts(path)
    return texts


@dataclass
class Entry:
    context: str
    msgid: str
    msgstr: str
    refs: list[str]
    fuzzy: bool


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # a .po string is a C string; Python reads the same escapes


def po_entries(path: Path = PO) -> list[Entry]:
    """The entries of a .po file (not the header, not obsolete entries)."""
    entries: list[Entry] = []
    for block in path.read_text().split("\n\n"):
        refs: list[str] = []
        fields: dict[str, str] = {}
        fuzzy, key = False, ""
        for line in block.splitlines():
            if line.startswith("#:"):
                refs += line[2:].split()
            elif line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("#~") or line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += _unquote(line)
            else:
                key, _space, rest = line.partition(" ")
                fields[key] = _unquote(rest)
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries.append(Entry(fields.get("msgctxt", ""), fields["msgid"], msgstr, refs, fuzzy))
    return entries


def _in_scope(rule: Retired, where: str) -> bool:
    return not rule.only or where.startswith(rule.only)


PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdif]|{{.*?}}")  # "%(windows)s", "{{ n }}": names, not words


def offences(texts: list[Text], rules: list[Retired]) -> list[str]:
    return [
        f"{t.where}: {rule.glossary!r} in {t.text!r}"
        for t in texts
        for rule in rules
        if _in_scope(rule, t.where) and re.search(rule.pattern, PLACEHOLDER.sub("", t.text), rule.flags)
    ]


def checked_english() -> list[Text]:
    """The English of every .po entry used by at least one checked file."""
    out = []
    for entry in po_entries():
        if entry.refs and entry.msgstr:
            out.append(Text(entry.refs[0], entry.msgstr))
    return out


def test_no_retired_indonesian_term_in_a_user_facing_string() -> None:
    texts = indonesian_texts()
    assert len(texts) > 1000  # the scan found the apps' strings
    assert offences(texts, INDONESIAN) == []


def test_no_retired_english_term_in_a_translation() -> None:
    assert offences(checked_english(), ENGLISH) == []


def test_the_translations_are_complete() -> None:
    entries = po_entries()
    assert len(entries) > 1000
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if not e.msgstr] == []


def test_every_retired_term_is_in_the_glossary() -> None:
    glossary = GLOSSARY.read_text()
    for rule in INDONESIAN + ENGLISH:
        assert rule.glossary.split(" (")[0].strip('"') in glossary, rule.glossary


@pytest.mark.parametrize(
    ("rules", "text", "found"),
    [
        (INDONESIAN, "Jendela kedatangan ini sudah penuh.", True),
        (INDONESIAN, "Jadwal kedatangan ini sudah penuh.", False),
        (INDONESIAN, "Bawa KTP asli.", True),
        (INDONESIAN, "Bawa KTP-el asli.", False),
        (INDONESIAN, "Hari ini sudah dirilis.", True),
        (INDONESIAN, "Pemesanan LKT-1 kedaluwarsa", True),
        (INDONESIAN, "Paspor kedaluwarsa", False),
        (ENGLISH, "This arrival window is full.", True),
        (ENGLISH, "12 places left", False),
        (INDONESIAN, "Pesan", True),
        (INDONESIAN, "a text message\x04Pesan", False),
        (INDONESIAN, '<li><a href="/pesan/">{% translate "Pesan" %}</a></li>', True),
        (INDONESIAN, '{% translate "Buat jadwal" %}', False),
    ],
)
def test_the_rules_catch_what_they_name(rules: list[Retired], text: str, found: bool) -> None:
    assert bool(offences([Text("loket/booking/services.py:1", text)], rules)) is found


def test_a_scoped_rule_applies_only_where_it_is_scoped() -> None:
    kiosk = Text("loket/onsite/templates/onsite/kiosk.html:3", "Silakan ke meja check-in.")
    staff = Text("loket/onsite/templates/onsite/checkin.html:3", "Check-in")
    assert offences([kiosk], INDONESIAN) and not offences([staff], INDONESIAN)
