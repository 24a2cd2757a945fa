"""What `kaohe round export` writes for a publication, as one zip download."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kaohe.engine import KaoheError
from kaohe.engine.render.outputs import file_stem
from kaohe.round import actions
from kaohe.round.export import export
from kaohe.round.models import Publication

from ...downloads import attachment
from .common import office_only, problems, publications_of

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry of an export zip: the same publication gives the same bytes


@require_GET
@office_only
def exports(request):
    round_ = request.profile.round
    return render(request, "web/office_export.html", {"round": round_, "published": publications_of(round_)})


def zipped(folder: Path, top: str) -> bytes:
    """The folder's files in one zip under `top/`, in name order, with fixed times: the same files, the same bytes.
    kaohe's own bookkeeping file (the folder manifest, which lets a later run replace the folder) is left out."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.name.startswith(".") or not path.is_file():
                continue
            entry = zipfile.ZipInfo(f"{top}/{path.name}", date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    return out.getvalue()


@require_GET
@office_only
def export_zip(request, number: int):
    """Written into a temporary folder, zipped, the folder removed."""
    round_ = request.profile.round
    found = Publication.objects.filter(round=round_, number=number).first()
    if found is None:
        raise Http404("没有这一号发布")
    top = file_stem(f"{round_.code}-第{number}号{actions.KINDS[found.kind]}")
    with tempfile.TemporaryDirectory(prefix="kaohe-export-") as temporary:
        try:
            export(round_.code, Path(temporary) / "export", number=number, workers=1)  # no fork under threads
        except KaoheError as error:
            messages.error(request, "导出没有完成：" + "；".join(problems(error)))
            return redirect("web:office_export")
        content = zipped(Path(temporary) / "export", top)
    return attachment(content, f"{top}.zip", "application/zip")
