"""The audit log: every action, who and when, before → after, each entry chained to the one before by hash.

Each action runs in one transaction that takes the database's write lock first (SQLite: IMMEDIATE
transactions; PostgreSQL: an advisory lock), so the chain never forks and two clerks are serialised.
A row of history is sealed by the digest of all its fields in the entry that wrote it; `verify` re-reads
every row, so an edited or deleted row, or an edited or deleted audit entry, is found.
"""
from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from . import jsondata
from .models import AuditEntry, Record

GENESIS = "0" * 64
LOCK_KEY = 0x6B616F6865  # "kaohe": the PostgreSQL advisory lock every writer takes


def now() -> dt.datetime:
    return timezone.now()


_head = threading.local()  # the chain's last (seq, hash), known while this thread holds the write lock


@contextmanager
def writing():
    """One transaction holding the write lock; the chain's head is read once and followed in memory."""
    with transaction.atomic():
        if getattr(_head, "value", None) is not None:  # nested: the outer transaction holds the lock
            yield
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        _head.value = (last.seq, last.hash) if last else (0, GENESIS)
        try:
            yield
        finally:
            _head.value = None


def append(action: str, summary: str, *, actor: str, at: dt.datetime, round_code: str = "",
           record: Record | None = None, before=None, after=None) -> AuditEntry:
    entry = chained(action, summary, actor=actor, at=at, round_code=round_code, record=record, before=before,
                    after=after)
    entry.save()
    return entry


def chained(action: str, summary: str, *, actor: str, at: dt.datetime, round_code: str = "",
            record: Record | None = None, before=None, after=None) -> AuditEntry:
    """The next entry of the chain, not yet saved (many at once go in with bulk_create, in this order)."""
    seq, previous = _head.value  # only inside writing()
    entry = AuditEntry(
        seq=seq + 1, at=at, actor=actor, action=action, round_code=round_code,
        summary=summary, record=type(record).__name__ if record is not None else "",
        record_id=record.pk if record is not None else None,
        record_digest=record.seal_digest() if record is not None else "",
        before="" if before is None else jsondata.dump(before), after="" if after is None else jsondata.dump(after),
        previous=previous)
    entry.hash = entry.compute_hash()
    _head.value = (entry.seq, entry.hash)
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
            gone = f"{expected_seq}" if entry.seq - 1 == expected_seq else f"{expected_seq}–{entry.seq - 1}"
            faults.append(ChainFault(entry.seq, f"日志第 {gone} 条缺失（被删除）"))
        if entry.previous != previous:
            faults.append(ChainFault(entry.seq, f"日志第 {entry.seq} 条与前一条的链接不符（前面的记录被改动或删除）"))
        if entry.compute_hash() != entry.hash:
            faults.append(ChainFault(entry.seq, f"日志第 {entry.seq} 条的内容被改动（{entry.summary}）"))
        previous, expected_seq = entry.hash, entry.seq + 1
    return faults
