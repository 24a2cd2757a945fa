"""A unit's upload between its self-check and 报送: checked for size and type, kept in the private folder
(settings.PRIVATE_DIR, never served) under the user's own sub-folder, named by its digest, and found again only
through the user's session.
"""
from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

from kaohe.engine.loading import OLD_SPREADSHEET_SUFFIXES, OLE_SIGNATURE, SAVE_AS_XLSX

SUFFIXES = {".xlsx": "填好的填报表", ".yaml": "YAML 材料", ".yml": "YAML 材料", ".json": "JSON 材料"}
ZIP_SIGNATURE = b"PK\x03\x04"
SESSION_KEY = "kaohe_upload"
KEPT_SECONDS = 24 * 60 * 60  # an upload never submitted is removed after a day


class Refused(Exception):
    """An upload refused before any reading: its message is for the user."""


@dataclass(frozen=True)
class Pending:
    digest: str
    name: str
    path: Path


def _folder(user) -> Path:
    return Path(settings.PRIVATE_DIR) / "uploads" / str(user.pk)


def _name(original: str) -> str:
    name = get_valid_filename(Path(original).name)[-120:]
    return name if Path(name).suffix.lower() in SUFFIXES else "upload" + Path(original).suffix.lower()


def check_type(name: str, head: bytes) -> None:
    suffix = Path(name).suffix.lower()
    if suffix in OLD_SPREADSHEET_SUFFIXES:
        raise Refused(f"不接受这种文件（{suffix}）：{SAVE_AS_XLSX}后再上传")
    if suffix not in SUFFIXES:
        raise Refused(f"不接受这种文件（{suffix or '没有扩展名'}）："
                      "请上传填好的填报表 .xlsx，或 YAML（.yaml）、JSON（.json）材料")
    if head.startswith(OLE_SIGNATURE):
        raise Refused(f"这是旧版 Excel/WPS 的 .xls 文件：{SAVE_AS_XLSX}后再上传")
    if suffix == ".xlsx" and not head.startswith(ZIP_SIGNATURE):
        raise Refused("文件扩展名是 .xlsx，但内容不是 Excel 工作簿：请上传用 kaohe 填报表填好的 .xlsx 文件")
    if suffix != ".xlsx" and head.startswith(ZIP_SIGNATURE):  # other binary content: the engine's own messages
        raise Refused(f"文件扩展名是 {suffix}，但内容是压缩包或工作簿，不是文字材料：请确认选对了文件")


def keep(user, uploaded) -> Pending:
    """Store an UploadedFile (its size and type checked by forms.UploadForm) for this user."""
    chunks = []
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    raw = b"".join(chunks)
    _prune(user)
    hexdigest = digest.hexdigest()
    folder = _folder(user) / hexdigest
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / _name(uploaded.name)
    path.write_bytes(raw)
    return Pending(hexdigest, path.name, path)


def _prune(user) -> None:
    """Uploads of this user older than a day: the self-checks nobody submitted."""
    root = _folder(user)
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if time.time() - folder.stat().st_mtime > KEPT_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def remember(session, pending: Pending) -> None:
    session[SESSION_KEY] = {"digest": pending.digest, "name": pending.name}


def pending(session, user, digest: str) -> Pending | None:
    """The upload this user checked last, if `digest` names it and its bytes are still what was checked."""
    known = session.get(SESSION_KEY)
    if not known or known.get("digest") != digest:
        return None
    path = _folder(user) / known["digest"] / known["name"]
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        return None
    return Pending(digest, known["name"], path)


def forget(session, found: Pending) -> None:
    session.pop(SESSION_KEY, None)
    shutil.rmtree(found.path.parent, ignore_errors=True)
