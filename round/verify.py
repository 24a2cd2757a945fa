"""`kaohe round verify`: is the record what was written, and does every publication follow from it?

Three checks: the audit chain (each entry's hash and its link to the one before); every row of history
against the digest its audit entry sealed (an edited row, a deleted row, a row no entry wrote); and every
publication re-scored from the stored inputs alone — the frozen ruleset files and the history up to that
publication — compared byte for byte with the document that was published.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from kaohe.engine import KaoheError

from .actions import compute
from .audit import check_chain
from .models import AuditEntry, Publication, Record, Round


@dataclass(frozen=True)
class Finding:
    what: str  # 日志, 记录, 发布
    message: str


@dataclass(frozen=True)
class Verification:
    entries: int
    rows: int
    publications: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


def _history_models() -> list[type[Record]]:
    return [m for m in apps.get_app_config("round").get_models() if issubclass(m, Record)]


def verify() -> Verification:
    findings = [Finding("日志", fault.message) for fault in check_chain()]
    sealed: dict[tuple[str, int], AuditEntry] = {}
    for entry in AuditEntry.objects.exclude(record="").order_by("seq").iterator():
        sealed[(entry.record, entry.record_id)] = entry
    rows = 0
    for model in _history_models():
        name = model.__name__
        for row in model.objects.order_by("pk").iterator():
            rows += 1
            entry = sealed.pop((name, row.pk), None)
            label = f"{model._meta.verbose_name} #{row.pk}"
            if entry is None:
                findings.append(Finding("记录", f"{label} 没有对应的日志（不是通过 kaohe 写入的）"))
            elif entry.record_digest != row.seal_digest():
                findings.append(Finding("记录", f"{label} 与日志第 {entry.seq} 条记下的内容不符（被改动）："
                                                f"{entry.summary}"))
    names = {m.__name__: m._meta.verbose_name for m in _history_models()}
    for (name, pk), entry in sorted(sealed.items(), key=lambda kv: kv[1].seq):
        findings.append(Finding("记录", f"日志第 {entry.seq} 条写入的{names.get(name, name)} #{pk} 已不存在（被删除）："
                                        f"{entry.summary}"))
    published = 0
    for publication in Publication.objects.select_related("round", "run").order_by("pk"):
        published += 1
        findings.extend(_rescore(publication))
    return Verification(AuditEntry.objects.count(), rows, published, tuple(findings))


def _rescore(publication: Publication) -> list[Finding]:
    round_: Round = publication.round
    label = f"轮次 {round_.code} 第{publication.number}号发布"
    entry = AuditEntry.objects.filter(record="Publication", record_id=publication.pk).first()
    if entry is None:
        return []  # already reported as a row without its entry
    try:
        # whatever the record now lacks, score it as it is (provisional: no refusal) and compare
        scoring = compute(round_, provisional=True, upto=entry.seq)
    except KaoheError as error:
        problem = error.problems[0]
        return [Finding("发布", f"{label} 无法按保存的材料重新评分：{problem.location}: {problem.message}")]
    findings = []
    if scoring.evidence != publication.run.evidence:
        findings.append(Finding("发布", f"{label} 所用的材料与记录中的报送、评定和调整不一致"))
    if scoring.document != publication.run.document:
        findings.append(Finding("发布", f"{label} 重新评分的结果与发布的结果不一致"))
    return findings
