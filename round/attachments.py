"""Files a unit attaches to its appeal: kept in the record as bytes with their digest, never opened or unpacked
by kaohe (so a zip bomb stays inert), and only ever handed back as a download. The type is checked by its
name and its first bytes alike, so a renamed program is refused."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kaohe.engine import KaoheError, Location, Problem

MAX_FILES = 10
MAX_BYTES = 20 * 1024 * 1024  # each
ZIP = b"PK\x03\x04"
# suffix → (what it is, the signatures its content may start with)
TYPES = {
    ".pdf": ("PDF 文件", (b"%PDF-",)),
    ".jpg": ("JPEG 图片", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG 图片", (b"\xff\xd8\xff",)),
    ".png": ("PNG 图片", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("Word 文档", (ZIP,)),
    ".xlsx": ("Excel 工作簿", (ZIP,)),
}
ACCEPTED = "PDF、JPG、PNG 图片、Word（.docx）或 Excel（.xlsx）"


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def problem(name: str, content: bytes) -> str:
    """Why this file cannot be attached, or "" when it can."""
    suffix = Path(name).suffix.lower()
    if suffix not in TYPES:
        return f"不接受这种附件（{suffix or '没有扩展名'}）：请附 {ACCEPTED}"
    if not content:
        return "文件是空的"
    if len(content) > MAX_BYTES:
        return f"文件过大（{len(content) / 1024 / 1024:.1f} MB）：每个附件不超过 {MAX_BYTES // 1024 // 1024} MB"
    what, signatures = TYPES[suffix]
    if not content.startswith(signatures):
        return f"文件扩展名是 {suffix}，但内容不是{what}：请确认选对了文件"
    return ""


def check(attachments: list[Attachment], where: str) -> None:
    """All the files' problems at once, each naming its file."""
    problems = [Problem(Location(where), f"附件“{a.name}”：{text}")
                for a in attachments if (text := problem(a.name, a.content))]
    if len(attachments) > MAX_FILES:
        problems.append(Problem(Location(where), f"附件太多（{len(attachments)} 个）：最多 {MAX_FILES} 个",
                                "可以把多页材料合并成一个 PDF"))
    names = [a.name for a in attachments]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(Location(where), f"附件“{name}”重复了", "同名的附件只附一次"))
    if problems:
        raise KaoheError(problems)
