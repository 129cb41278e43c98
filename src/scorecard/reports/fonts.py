"""The report font: static Regular and Bold cut from the shipped variable Noto Sans Khmer.

``settings.FONT_FILE`` is a variable font (weight and width axes). Reports use two fixed
instances instead: a real Bold rather than a synthesised one, and files a third the size,
which WeasyPrint subsets in a fraction of the time it spends on the variable font (about
0.5 s per PDF saved). Instancing takes about a second, so the files are cached under
``VAR_DIR/cache/fonts`` (or the temp directory), keyed by the source file's size and date.

The @font-face family has a private name so a system copy of Noto Sans Khmer can never be
picked instead; PDF font names keep "NotoSansKhmer" in them.
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
import threading
from functools import cache
from pathlib import Path

from django.conf import settings

FAMILY = "NotoSansKhmer Scorecard"
WEIGHTS = (400, 700)
_LOCK = threading.Lock()
# What the HTML download needs: Latin, Khmer, Khmer symbols, general punctuation, the
# dotted circle HarfBuzz inserts before a stray mark.
_HTML_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *range(0x1780, 0x1800),
    *range(0x19E0, 0x1A00),
    *range(0x2000, 0x2070),
    0x25CC,
]


def _cache_dir() -> Path:
    for base in (Path(settings.VAR_DIR) / "cache" / "fonts", Path(tempfile.gettempdir())):
        try:
            base.mkdir(parents=True, exist_ok=True)
            if os.access(base, os.W_OK):
                return base
        except OSError:
            continue
    raise OSError("no writable directory for the report fonts")


@cache
def static_font(weight: int) -> Path:
    """A static instance of the shipped font at ``weight`` (built once, then cached)."""
    source = Path(settings.FONT_FILE)
    stat = source.stat()
    target = _cache_dir() / f"scorecard-khmer-{stat.st_size}-{int(stat.st_mtime)}-{weight}.ttf"
    with _LOCK:
        if not target.exists():
            from fontTools.ttLib import TTFont
            from fontTools.varLib import instancer

            font = TTFont(str(source))
            axes = {a.axisTag: a.defaultValue for a in font["fvar"].axes} if "fvar" in font else {}
            if axes:
                axes["wght"] = float(weight)
                font = instancer.instantiateVariableFont(font, axes)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            font.save(str(partial))
            partial.replace(target)  # atomic: a concurrent reader never sees half a file
    return target


@cache
def _html_font(weight: int) -> str:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature (Khmer needs pref, blwf, ...)
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(static_font(weight)), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_HTML_UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return "data:font/ttf;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def font_face_css(embed: bool) -> str:
    """@font-face rules: ``embed`` gives data: URLs (HTML), else file:// URLs (PDF)."""
    rules = []
    for weight in WEIGHTS:
        src = _html_font(weight) if embed else static_font(weight).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; src: url("{src}") format("truetype"); '
            f"font-weight: {weight}; font-style: normal; }}"
        )
    return "\n".join(rules)
