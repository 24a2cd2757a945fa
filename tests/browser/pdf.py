"""Reading back what Chromium printed: page sizes and each page's text."""
from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

# A4 landscape in PDF points (1/72 inch): 297 mm × 210 mm.
A4_LANDSCAPE = (841.89, 595.28)

# Chromium embeds the CJK font's glyphs, and the text read back maps some of them to look-alike characters:
# Kangxi radicals (⼯ for 工, which NFKC folds back) and CJK radicals supplement (⻝ for 食, which it does not).
RADICALS = "[\u2e80-\u2fdf]"


def pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def size(page) -> tuple[float, float]:
    box = page.mediabox
    return float(box.width), float(box.height)


def is_a4_landscape(page) -> bool:
    width, height = size(page)
    return abs(width - A4_LANDSCAPE[0]) < 2 and abs(height - A4_LANDSCAPE[1]) < 2


def text(page) -> str:
    """The page's text without whitespace (where a cell wraps is the layout's business)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", page.extract_text()))


def pattern(words: str) -> re.Pattern:
    """Matches `words` in a page's text(), whitespace dropped, any CJK character also as a radical look-alike."""
    parts = []
    for char in re.sub(r"\s+", "", unicodedata.normalize("NFKC", words)):
        parts.append(f"(?:{re.escape(char)}|{RADICALS})" if char >= "\u4e00" else re.escape(char))
    return re.compile("".join(parts))
