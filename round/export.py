"""`kaohe round export`: everything a publication of a round gives out, written as one complete set.

    <单位>.xlsx/.html  汇总.xlsx/.html  results.json  summary.txt   as `kaohe score -o` writes them, with the
                                                                  round's adjustments and appeals marked
    公示名单.xlsx/.html                                             the 公示 list (or the final result)
    变化.xlsx/.html                                                 the changes since an earlier publication
    round.json                                                    what was exported, with its digests

The scores are not taken on trust: the publication's stored evidence is scored again under the round's frozen
ruleset and must give the published result document byte for byte, or nothing is written.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from kaohe.engine import KaoheError, Location, Problem, Ruleset, UnitResult, evaluate, format_points
from kaohe.engine.render.json import dumps, results_document
from kaohe.engine.render.outputs import SUMMARY_FILES, file_stem, write_outputs

from . import jsondata
from .changes import KINDS, compare
from .history import AppealNote, adjustment_notes, appeal_notes, chinese_date, sequence_of, shown
from .models import Publication, Round
from .notes import round_notes
from .render.changes import changes_html, changes_xlsx
from .render.notice import Notice, NoticeRow, notice_html, notice_xlsx
from .state import Composed, evidence_of, find_round, publications, roster, ruleset_of

FORMAT = "kaohe.round-export/1"
NOTICE_FILES = ("公示名单.xlsx", "公示名单.html")
CHANGES_FILES = ("变化.xlsx", "变化.html")
MANIFEST_FILE = "round.json"


@dataclass(frozen=True)
class Exported:
    code: str
    publication: int
    kind: str  # notice / final
    since: int | None  # the earlier publication the changes are against
    digest: str  # of the result document
    folder: Path
    files: tuple[str, ...]
    units: int


def _refuse(where: str, message: str, hint: str = "") -> KaoheError:
    return KaoheError([Problem(Location(where), message, hint)])


def choose(round_: Round, number: int | None, since: int | None) -> tuple[Publication, Publication | None]:
    """The publication to export (default: the latest) and the one to compare it with (default: the one before)."""
    found = publications(round_)
    where = f"轮次 {round_.code}"
    if not found:
        raise _refuse(where, "本轮次还没有发布，没有可导出的结果", "先用 kaohe round publish --notice 发布公示")
    by_number = {p.number: p for p in found}
    known = f"本轮次的发布：{'、'.join(f'第{p.number}号（{KINDS[p.kind]}）' for p in found)}"
    if number is not None and number not in by_number:
        raise _refuse(where, f"没有第{number}号发布", known)
    chosen = by_number[number] if number is not None else found[-1]
    if since is None:
        return chosen, by_number.get(chosen.number - 1)
    if since not in by_number:
        raise _refuse(where, f"没有第{since}号发布，无法比较", known)
    if since == chosen.number:
        raise _refuse(where, f"--since 与导出的是同一次发布（第{since}号），无可比较", "写一个更早的发布编号")
    return chosen, by_number[since]


def rescore(round_: Round, ruleset: Ruleset, publication: Publication) -> list[UnitResult]:
    """The publication's results, scored again from its stored evidence; refused unless they are what was
    published, byte for byte."""
    stored = jsondata.load(publication.run.evidence)  # unit → composed evidence data, in roster order
    results = evaluate(ruleset, [evidence_of(round_, ruleset, Composed(unit, data)) for unit, data in stored.items()])
    if dumps(results_document(ruleset, results), compact=True) != publication.run.document:
        raise _refuse(f"轮次 {round_.code} › 第{publication.number}号发布",
                      "按保存的材料和细则重新评分的结果与发布的结果不一致，拒绝导出",
                      "数据库可能被改动；请运行 kaohe round verify 查看")
    return results


def notice_of(round_: Round, ruleset: Ruleset, publication: Publication, results: list[UnitResult],
              appeals: list[AppealNote], with_scores: bool, issuer: str) -> Notice:
    """`results`: the publication's, as `rescore` checked them against the published document."""
    by_unit = {r.unit: r for r in results}
    names = [name for name in roster(round_) if name in by_unit]
    rows = tuple(NoticeRow(index, name, by_unit[name].grade + ("" if by_unit[name].complete else "（暂定）"),
                           format_points(by_unit[name].total)) for index, name in enumerate(names, start=1))
    kind = publication.kind
    if kind == Publication.NOTICE:
        heading = "考核结果公示"
        lead = f"根据《{ruleset.title}》，现将各被考核单位的考核等次予以公示（按被考核单位名单顺序排列）。"
        until = publication.appeal_until
        lines = ((f"公示期：{chinese_date(publication.at)}至{chinese_date(until)}（申诉截止 {shown(until)}）。"
                  if until else f"公示日期：{chinese_date(publication.at)}。"),
                 f"申诉：{publication.note}" if publication.note else
                 "对公示结果有异议的被考核单位，请在公示期内书面提出申诉，写明有异议的指标和理由。")
    else:
        heading = "考核最终结果"
        lead = (f"根据《{ruleset.title}》，经公示和申诉复核，现将各被考核单位的考核最终结果予以公布"
                "（按被考核单位名单顺序排列）。")
        lines = (_appeals_line(appeals),) + ((f"说明：{publication.note}",) if publication.note else ())
    footer = (f"细则 {ruleset.id} 版本 {ruleset.version}，摘要（sha256）{ruleset.digest}；"
              f"结果摘要（sha256）{publication.run.digest}；轮次 {round_.code} 第{publication.number}号发布"
              f"（{publication.actor}，{shown(publication.at)}）")
    return Notice(round_.title, heading, lead, rows, with_scores, lines, issuer.strip(),
                  chinese_date(publication.at), footer)


def _appeals_line(appeals: list[AppealNote]) -> str:
    if not appeals:
        return "公示期间未收到申诉。"
    counts = Counter(a.decision for a in appeals)
    parts = "，".join(f"{word}{counts[word]}件" for word in ("维持", "驳回", "未决定") if counts[word])
    return f"公示期间共受理申诉{len(appeals)}件：{parts}。"


def manifest(round_: Round, ruleset: Ruleset, publication: Publication, since: Publication | None,
             results: list[UnitResult], adjustments: int, appeals: int) -> str:
    def moment(at):
        return timezone.localtime(at).isoformat(timespec="seconds") if at else None

    document = {
        "format": FORMAT,
        "round": {"code": round_.code, "title": round_.title,
                  "previous": round_.previous.code if round_.previous_id else None},
        "publication": {"number": publication.number, "kind": publication.kind, "at": moment(publication.at),
                        "by": publication.actor, "appeal_until": moment(publication.appeal_until),
                        "note": publication.note, "run": publication.run.number},
        "result": {"digest": publication.run.digest, "file": "results.json", "units": len(results)},
        "ruleset": {"id": ruleset.id, "version": ruleset.version, "digest": ruleset.digest,
                    "files": [{"path": f.path, "digest": f.digest}
                              for f in round_.ruleset_files.order_by("position")]},
        "evidence": [{"unit": r.unit, "digest": r.evidence.digest} for r in results],
        "adjustments": adjustments,
        "appeals": appeals,
        "since": None if since is None else {"number": since.number, "kind": since.kind,
                                             "digest": since.run.digest},
    }
    return dumps(document)


def export(code: str, out_dir: Path, number: int | None = None, since: int | None = None,
           with_scores: bool = False, issuer: str = "", workers: int | None = None) -> Exported:
    """`workers`: processes writing the score sheets (None: as many as cores); a threaded server passes 1, since
    forking a process whose other threads may hold locks can leave the child stuck."""
    round_ = find_round(code)
    publication, earlier = choose(round_, number, since)
    ruleset = ruleset_of(round_)
    results = rescore(round_, ruleset, publication)
    upto = sequence_of(publication)
    adjustments = adjustment_notes(round_, ruleset, upto)
    appeals = appeal_notes(round_, ruleset, upto)
    notice = notice_of(round_, ruleset, publication, results, appeals, with_scores, issuer)
    extra: dict[str, bytes | str] = {NOTICE_FILES[0]: notice_xlsx(notice), NOTICE_FILES[1]: notice_html(notice)}
    if earlier is not None:
        changes = compare(round_, ruleset, earlier, publication, roster(round_))
        extra[CHANGES_FILES[0]] = changes_xlsx(changes)
        extra[CHANGES_FILES[1]] = changes_html(changes)
    extra[MANIFEST_FILE] = manifest(round_, ruleset, publication, earlier, results, len(adjustments), len(appeals))
    write_outputs(ruleset, results, Path(out_dir), workers, notes=round_notes(results, adjustments, appeals),
                  extra=extra)
    sheets = [f"{file_stem(r.unit)}{suffix}" for r in results for suffix in (".xlsx", ".html")]
    return Exported(round_.code, publication.number, publication.kind, earlier.number if earlier else None,
                    publication.run.digest, Path(out_dir), tuple(sorted([*sheets, *SUMMARY_FILES, *extra])),
                    len(results))
