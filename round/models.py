"""The round record. Every model is append-only: a row is written once, sealed in the audit log, and never
updated or deleted; the current state of a round is derived from its history (`state.py`).

Values that must come back byte for byte (evidence data, result documents, before/after of a change) are
stored as canonical JSON text, never as a JSON column: PostgreSQL's jsonb reorders keys.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import models


class AppendOnlyError(Exception):
    """A program tried to change history: our bug, never the user's."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes bypass Model.save() and Model.delete(): they are refused here too."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are history and cannot be changed")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are history and cannot be deleted")


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


SEAL_TEXT = 1000  # longer texts (evidence, result documents) are sealed by their digest


def _sealable(value):
    if isinstance(value, (bytes, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, str) and len(value) > SEAL_TEXT:
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat()
    return value


class Record(models.Model):
    """A row of history: who wrote it and when; written once."""

    at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=100)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is history and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is history and cannot be deleted")

    def sealed(self) -> dict:
        """Every stored field, as the audit log seals it (file bytes by their digest)."""
        return {f.attname: _sealable(getattr(self, f.attname)) for f in self._meta.concrete_fields}

    def seal_digest(self) -> str:
        return hashlib.sha256(canonical(self.sealed()).encode()).hexdigest()


class Round(Record):
    code = models.CharField("轮次代号", max_length=100, unique=True)
    title = models.CharField("名称", max_length=300)
    ruleset_id = models.CharField("细则", max_length=200)
    ruleset_version = models.CharField("细则版本", max_length=100)
    ruleset_digest = models.CharField("细则摘要", max_length=64)
    previous = models.ForeignKey("self", models.PROTECT, null=True, blank=True, verbose_name="上一轮")

    class Meta:
        verbose_name = verbose_name_plural = "考核轮次"

    def __str__(self) -> str:
        return self.code


class RulesetFile(Record):
    """One file of the round's ruleset and its extends chain, frozen when the round was created."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="ruleset_files")
    position = models.PositiveIntegerField()  # 0: the round's own ruleset, then up the extends chain
    path = models.CharField(max_length=1000)  # relative to the folder all the chain's files share
    content = models.BinaryField()
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "细则文件"
        unique_together = [("round", "position")]
        ordering = ["round", "position"]


class RosterUnit(Record):
    round = models.ForeignKey(Round, models.PROTECT, related_name="roster")
    position = models.PositiveIntegerField()
    name = models.CharField("单位", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "名单"
        unique_together = [("round", "position"), ("round", "name")]
        ordering = ["round", "position"]


class Deadline(Record):
    """The submission deadline; a later row replaces an earlier one."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="deadlines")
    due = models.DateTimeField("报送截止")
    reason = models.CharField("原因", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报送截止时间"



class GroupAssignment(Record):
    """Which inspection group (考核组) visits a unit; a later row replaces an earlier one."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="assignments")
    unit = models.CharField("单位", max_length=100)
    group = models.CharField("考核组", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "考核组分工"



class Submission(Record):
    """One version of one unit's evidence: the original file as sent, and what validation found."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="submissions")
    unit = models.CharField("单位", max_length=100)
    version = models.PositiveIntegerField("版本")
    file_name = models.CharField("文件名", max_length=500)
    content = models.BinaryField()
    digest = models.CharField(max_length=64)
    accepted = models.BooleanField("通过校验")
    late = models.BooleanField("逾期")
    problems = models.TextField(blank=True)  # canonical JSON list of messages
    data = models.TextField(blank=True)  # canonical JSON: the unit's own part of the evidence, when accepted
    incomplete = models.TextField(blank=True)  # canonical JSON: missing values, facts and materials

    class Meta:
        verbose_name = verbose_name_plural = "报送"
        unique_together = [("round", "unit", "version")]


class Entry(Record):
    """A value given by an inspection group or a lead department for one unit's item."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="entries")
    unit = models.CharField("单位", max_length=100)
    item_id = models.CharField("指标", max_length=100)
    kind = models.CharField(max_length=20)  # inspection or department
    party = models.CharField("考核组/牵头部门", max_length=200)
    data = models.TextField()  # canonical JSON: one `values:` entry, as in evidence YAML
    entered_by = models.CharField("录入人", max_length=100, blank=True)
    source = models.CharField("来源", max_length=500, blank=True)  # the workbook's name, or 命令行
    source_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评定"



class Adjustment(Record):
    """The office changes a value or a score after 实地核查, or because an appeal was upheld."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="adjustments")
    unit = models.CharField("单位", max_length=100)
    item_id = models.CharField("指标", max_length=100)
    kind = models.CharField(max_length=10)  # value or score
    before = models.TextField()  # canonical JSON
    after = models.TextField()  # canonical JSON
    reason = models.CharField("理由", max_length=2000)
    appeal = models.ForeignKey("Appeal", models.PROTECT, null=True, blank=True, related_name="adjustments")

    class Meta:
        verbose_name = verbose_name_plural = "调整"



class Appeal(Record):
    round = models.ForeignKey(Round, models.PROTECT, related_name="appeals")
    number = models.PositiveIntegerField("申诉编号")
    unit = models.CharField("单位", max_length=100)
    items = models.TextField()  # canonical JSON list of item ids
    reason = models.CharField("理由", max_length=2000)
    publication = models.ForeignKey("Publication", models.PROTECT, related_name="appeals")

    class Meta:
        verbose_name = verbose_name_plural = "申诉"
        unique_together = [("round", "number")]

    @property
    def item_ids(self) -> list[str]:
        return json.loads(self.items)


class AppealFile(Record):
    """A file the unit attached to its appeal (a test report, a photo, a letter): its bytes, kept in the record."""

    appeal = models.ForeignKey(Appeal, models.PROTECT, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField("文件名", max_length=500)
    content = models.BinaryField()
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "申诉附件"
        unique_together = [("appeal", "position")]


class Decision(Record):
    appeal = models.OneToOneField(Appeal, models.PROTECT, related_name="decision")
    upheld = models.BooleanField("维持申诉")
    reason = models.CharField("理由", max_length=2000)

    class Meta:
        verbose_name = verbose_name_plural = "申诉决定"



class ScoringRun(Record):
    """One scoring of the whole round: the evidence as composed from the record, and the result document."""

    round = models.ForeignKey(Round, models.PROTECT, related_name="runs")
    number = models.PositiveIntegerField()
    provisional = models.BooleanField("暂定")
    evidence = models.TextField()  # canonical JSON: unit → composed evidence data
    document = models.TextField()  # the result document, as the engine writes it
    digest = models.CharField(max_length=64)  # of `document`

    class Meta:
        verbose_name = verbose_name_plural = "评分"
        unique_together = [("round", "number")]


class Publication(Record):
    NOTICE, FINAL = "notice", "final"
    round = models.ForeignKey(Round, models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)  # notice (公示) or final (最终结果)
    run = models.ForeignKey(ScoringRun, models.PROTECT, related_name="publications")
    appeal_until = models.DateTimeField("申诉截止", null=True, blank=True)
    note = models.CharField("说明", max_length=2000, blank=True)  # where and how to appeal

    class Meta:
        verbose_name = verbose_name_plural = "发布"
        unique_together = [("round", "number")]


class AuditEntry(models.Model):
    """One action, chained to the one before it by its hash. Rows of the other models are sealed by digest."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=100)
    action = models.CharField(max_length=50)
    round_code = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=2000)
    record = models.CharField(max_length=50)  # model name
    record_id = models.BigIntegerField(null=True)
    record_digest = models.CharField(max_length=64, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    previous = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "日志"
        ordering = ["seq"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"audit entry {self.seq} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"audit entry {self.seq} cannot be deleted")

    def body(self) -> str:
        return canonical({
            "seq": self.seq, "at": _sealable(self.at), "actor": self.actor, "action": self.action,
            "round": self.round_code, "summary": self.summary, "record": self.record, "record_id": self.record_id,
            "record_digest": self.record_digest, "before": self.before, "after": self.after,
        })

    def compute_hash(self) -> str:
        return hashlib.sha256((self.previous + "\n" + self.body()).encode()).hexdigest()
