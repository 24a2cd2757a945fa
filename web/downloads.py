"""A file handed to the user as a download: never shown inline, whatever its name says, and never sniffed."""
from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, name: str, content_type: str = "application/octet-stream") -> HttpResponse:
    return HttpResponse(content, content_type=content_type,
                        headers={"Content-Disposition": content_disposition_header(True, name),
                                 "X-Content-Type-Options": "nosniff"})
