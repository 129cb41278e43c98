"""Fill a gettext catalogue from a YAML file of translations (msgid: msgstr).

Usage: python scripts/po_fill.py src/scorecard/locale/km/LC_MESSAGES/django.po docs/i18n/*.yaml
Several YAML files may be given (one per app or feature); a msgid given two different
translations is an error, so two files cannot silently disagree.
Entries already translated in the .po are kept unless the YAML gives a different text.
Plural entries take one form in Khmer (nplurals=1): the YAML key is the singular msgid.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml


def _unquote(block: str) -> str:
    return (
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_path: Path, translations: dict[str, str]) -> list[str]:
    text = po_path.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m:
            out.append(entry)
            continue
        msgid = _unquote(m.group(1))
        if not msgid:
            entry = entry.replace("#, fuzzy\n", "", 1)
            out.append(
                entry.replace(
                    '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
                    '"Plural-Forms: nplurals=1; plural=0;\\n"',
                )
            )
            continue
        # A fresh translation replaces gettext's guess: drop the fuzzy flag, keep the others.
        entry = re.sub(r"^#, fuzzy\n", "", entry, flags=re.M)
        entry = re.sub(r"^(#,.*?)(?:, fuzzy|fuzzy, )", r"\1", entry, flags=re.M)
        entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
        value = translations.get(msgid)
        if value is None:
            missing.append(msgid)
            out.append(entry)
            continue
        head = entry[: entry.index("msgstr")]
        if "msgid_plural" in entry:
            out.append(f"{head}msgstr[0] {_quote(value)}")
        else:
            out.append(f"{head}msgstr {_quote(value)}")
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return missing


def load(paths: list[Path]) -> dict[str, str]:
    merged: dict[str, str] = {}
    clashes = []
    for path in paths:
        for msgid, msgstr in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if msgid in merged and merged[msgid] != msgstr:
                clashes.append(f"{path.name}: {msgid!r} translated two ways")
            merged[msgid] = msgstr
    if clashes:
        sys.exit("\n".join(clashes))
    return merged


if __name__ == "__main__":
    po = Path(sys.argv[1])
    missing = fill(po, load([Path(arg) for arg in sys.argv[2:]]))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    sys.exit(1 if missing else 0)
