"""The audit log: every action, who and when, before → after, each entry chained to the one before by hash.

Each action runs in one transaction that takes the database's write lock first (SQLite: IMMEDIATE
transactions; PostgreSQL: an advisory lock), so the chain never forks and two clerks are serialised.
A row of history is sealed by the digest of all its fields in the entry that wrote it; `verify` re-reads
every row, so an edited or deleted row, or an edited or deleted audit entry, is found.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from . import jsondata
from .models import AuditEntry, Record

GENESIS = "0" * 64
LOCK_KEY = 0x6B616F6865  # "kaohe": the PostgreSQL advisory lock every writer takes


def now() -> dt.datetime:
    return timezone.now()


def lock() -> None:
    """Serialise writers (call inside transaction.atomic)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def append(action: str, summary: str, *, actor: str, at: dt.datetime, round_code: str = "",
           record: Record | None = None, before=None, after=None) -> AuditEntry:
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1, at=at, actor=actor, action=action, round_code=round_code,
        summary=summary, record=type(record).__name__ if record is not None else "",
        record_id=record.pk if record is not None else None,
        record_digest=record.seal_digest() if record is not None else "",
        before="" if before is None else jsondata.dump(before), after="" if after is None else jsondata.dump(after),
        previous=last.hash if last else GENESIS)
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


@dataclass(frozen=True)
class ChainFault:
    seq: int
    message: str


def check_chain() -> list[ChainFault]:
    """Every entry's hash, and its link to the entry before it."""
    faults = []
    previous, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator():
        if entry.seq != expected_seq:
            faults.append(ChainFault(entry.seq, f"日志第 {expected_seq}–{entry.seq - 1} 条缺失（被删除）"))
        if entry.previous != previous:
            faults.append(ChainFault(entry.seq, f"日志第 {entry.seq} 条与前一条的链接不符（前面的记录被改动或删除）"))
        if entry.compute_hash() != entry.hash:
            faults.append(ChainFault(entry.seq, f"日志第 {entry.seq} 条的内容被改动（{entry.summary}）"))
        previous, expected_seq = entry.hash, entry.seq + 1
    return faults
