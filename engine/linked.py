"""A value taken from another assessment's results: the results.json that `kaohe score` wrote for, say, a county's
assessment of its townships, named in the county's evidence for the city's assessment. Read, checked (format, the
ruleset it must come from, every unit scored) and reduced to one number: the average total, or the share or count
of units with a grade. The file's digest goes into the reason, so the sheet says exactly what was read."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import KaoheError, Location, Problems
from .fields import describe
from .loading import read_document
from .model import Item, format_points

RESULTS_FORMAT = "kaohe.result/1"
CENT = Decimal("0.01")


def results_value(item: Item, raw: Any, where: Location, folder: Path | None,
                  problems: Problems, unit: str = "") -> tuple[Decimal | str | None, str]:
    """(the number, where it came from in words) for an item with `from_results`; (None, "") when reported.
    `folder` is the evidence file's own: None for evidence that is not a file beside its results (an upload)."""
    named = f"{item.id}「{item.title}」"
    wanted = item.from_results
    path_text = raw.get("results") if isinstance(raw, dict) and set(raw) == {"results"} else raw
    if not isinstance(path_text, str) or not path_text.strip():
        problems.add(where, f"{named}取自考核 {wanted.ruleset} 的评分结果，应填结果文件（results.json）的路径，"
                            f"实际为{describe(raw)}", "例如 {results: 乡镇考核/results.json}，路径相对于本材料文件")
        return None, ""
    relative = PurePosixPath(path_text.strip().replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        problems.add(where, f"{named}的结果文件路径须相对于本材料所在的文件夹，且不能含“..”：{path_text}")
        return None, ""
    if folder is None:
        problems.add(where, f"{named}取自考核 {wanted.ruleset} 的评分结果文件，只能在材料文件旁按路径读取"
                            "（kaohe score、kaohe check）；网页报送和考核轮次中不读取文件",
                     "请把材料与结果文件放在同一文件夹用 kaohe 命令评分，或由考核办按结果录入本项的值")
        return None, ""
    path = folder / relative
    try:
        data, digest = read_document(path)
    except KaoheError as error:
        for p in error.problems:
            problems.add(where, f"{named}的结果文件 {path_text}：{p.message}", p.hint)
        return None, ""
    except OSError:
        problems.add(where, f"{named}的结果文件 {path_text} 不存在或无法读取", "路径相对于本材料文件所在的文件夹")
        return None, ""
    units = _units(data, wanted.ruleset)
    if isinstance(units, str):
        problems.add(where, f"{named}的结果文件 {path_text}：{units}")
        return None, ""
    if wanted.take in ("total", "grade"):  # the unit's own result in that assessment
        units = [u for u in units if u.get("unit") == unit]
        if not units:
            problems.add(where, f"{named}的结果文件 {path_text} 中没有本单位（{unit}）的结果")
            return None, ""
    unfinished = [u.get("unit", "?") for u in units if not u.get("complete")]
    if unfinished:
        problems.add(where, f"{named}的结果文件 {path_text} 中有{len(unfinished)}个单位未能评分完整"
                            f"（{'、'.join(map(str, unfinished[:5]))}），不能据此计分")
        return None, ""
    number, said = _reduce(units, wanted.take, wanted.grade)
    if wanted.take == "grade" and number not in item.params.names():
        problems.add(where, f"{named}：结果文件 {path_text} 中本单位的等次「{number}」不在本项的档次中"
                            f"（{'、'.join(item.params.names())}）")
        return None, ""
    return number, f"取自考核 {wanted.ruleset} 的评分结果（{path_text}，摘要 {digest[:12]}）：{said}"


def _units(data: Any, ruleset_id: str) -> list[dict] | str:
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        return f"不是 kaohe score 输出的评分结果（format 应为 {RESULTS_FORMAT}）"
    header = data.get("ruleset") or {}
    if header.get("id") != ruleset_id:
        return f"是按细则 {header.get('id')} 评分的，本项要求细则 {ruleset_id} 的结果"
    units = data.get("units")
    if not isinstance(units, list) or not units:
        return "没有任何单位的结果"
    return units


def _reduce(units: list[dict], take: str, grade: str) -> tuple[Decimal | str, str]:
    size = len(units)
    if take == "total":
        total = Decimal(str(units[0]["total"]))
        return total, f"本单位总分{format_points(total)}分"
    if take == "grade":
        return str(units[0]["grade"]), f"本单位等次为{units[0]['grade']}"
    if take == "average":
        totals = [Decimal(str(u["total"])) for u in units]
        average = (sum(totals, Decimal(0)) / size).quantize(CENT, rounding=ROUND_HALF_UP)
        return average, f"{size}个单位平均总分{format_points(average)}分"
    count = sum(1 for u in units if u.get("grade") == grade)
    if take == "count":
        return Decimal(count), f"{size}个单位中{grade}等{count}个"
    share = (Decimal(count) * 100 / size).quantize(CENT, rounding=ROUND_HALF_UP)
    return share, f"{size}个单位中{grade}等{count}个，占{format_points(share)}%"
