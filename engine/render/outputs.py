"""Write everything a scoring run produces into one folder, each file atomically.

    results.json  summary.txt  汇总.xlsx  汇总.html  <单位>.xlsx  <单位>.html

Score sheets are independent of each other, so a large batch is rendered by a
few forked worker processes (openpyxl's serialisation is the slow part).
"""
from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

from ..model import Ruleset, UnitResult
from .files import write_atomic
from .html import sheet_html, summary_html
from .json import dumps, results_document
from .summary import summary_text
from .xlsx import sheet_xlsx, summary_xlsx

PARALLEL_FROM = 40  # units; below this a process pool costs more than it saves
_job: tuple[Ruleset, list[UnitResult], Path] | None = None  # handed to forked workers


def file_stem(unit: str) -> str:
    """A unit name made safe as a file name (path separators and control characters removed)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(". ") or "单位"


def write_sheets(ruleset: Ruleset, result: UnitResult, out_dir: Path) -> None:
    stem = file_stem(result.unit)
    write_atomic(out_dir / f"{stem}.xlsx", sheet_xlsx(ruleset, result))
    write_atomic(out_dir / f"{stem}.html", sheet_html(ruleset, result))


def _render_slice(indexes: range) -> int:
    ruleset, results, out_dir = _job
    for index in indexes:
        write_sheets(ruleset, results[index], out_dir)
    return len(indexes)


def write_outputs(ruleset: Ruleset, results: list[UnitResult], out_dir: Path, workers: int | None = None) -> list[Path]:
    """Write the JSON, the summaries and one score sheet pair per unit; returns the summary files."""
    global _job
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = [file_stem(r.unit) for r in results]
    if len(set(stems)) != len(stems):
        raise ValueError("两个单位的名称对应同一个文件名")  # units are unique, so only odd characters can collide
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers > 1 and len(results) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        _job = (ruleset, results, out_dir)
        try:
            step = -(-len(results) // (workers * 4))
            slices = [range(i, min(i + step, len(results))) for i in range(0, len(results), step)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                assert sum(pool.map(_render_slice, slices)) == len(results)
        finally:
            _job = None
    else:
        for result in results:
            write_sheets(ruleset, result, out_dir)
    written = [
        write_atomic(out_dir / "results.json", dumps(results_document(ruleset, results), compact=True)),
        write_atomic(out_dir / "summary.txt", summary_text(ruleset, results)),
        write_atomic(out_dir / "汇总.xlsx", summary_xlsx(ruleset, results)),
        write_atomic(out_dir / "汇总.html", summary_html(ruleset, results)),
    ]
    return written
