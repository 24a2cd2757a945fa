"""Write everything a scoring run produces into one folder, as one complete set.

    results.json  summary.txt  汇总.xlsx  汇总.html  <单位>.xlsx  <单位>.html

and whatever further files and notes (render/notes.py) the caller adds.
The set is written into a staging folder and swapped in whole (render/files.py),
so the folder always holds one run's complete output. Score sheets are independent
of each other, so a large batch is rendered by a few forked worker processes
(openpyxl's serialisation is the slow part).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

from ..errors import KaoheError, Location, Problem
from ..model import Ruleset, UnitResult
from .files import replaced_folder, write_atomic
from .html import sheet_html, summary_html
from .json import dumps, results_document
from .notes import Notes
from .summary import summary_text
from .xlsx import sheet_xlsx, summary_xlsx

PARALLEL_FROM = 40  # units; below this a process pool costs more than it saves
SUMMARY_FILES = ("results.json", "summary.txt", "汇总.xlsx", "汇总.html")
MAX_STEM_BYTES = 180  # file names are limited to 255 bytes; leave room for suffixes and temporary names
NAME_HINT = "单位名称中的 / \\ : * ? \" < > | 在文件名中都写作 _，大小写也不区分；请核对单位名称"
_job: tuple[Ruleset, list[UnitResult], Path, Notes | None] | None = None  # handed to forked workers


def file_stem(unit: str) -> str:
    """A unit name made safe as a file name: separators and control characters replaced, length bounded."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", unit).strip(". ") or "单位"
    if len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        digest = hashlib.sha256(unit.encode("utf-8")).hexdigest()[:8]
        cut = stem.encode("utf-8")[:MAX_STEM_BYTES - 10].decode("utf-8", errors="ignore")
        stem = f"{cut}-{digest}"
    return stem


def check_file_names(results: list[UnitResult], extra: tuple[str, ...] = ()) -> None:
    """Refuse units whose sheets would land on the same file (or on a summary or extra file), before writing."""
    taken: dict[str, str] = {Path(name).stem.casefold(): "汇总" for name in SUMMARY_FILES}
    taken.update((Path(name).stem.casefold(), f"输出文件 {name}") for name in extra)
    problems = []
    for result in results:
        key = file_stem(result.unit).casefold()  # Windows and macOS folders ignore case
        if key in taken:
            other = taken[key]
            clash = ("汇总文件" if other == "汇总" else other if other.startswith("输出文件 ")
                     else f"单位「{other}」的评分表")
            problems.append(Problem(Location(result.evidence.file),
                                    f"单位「{result.unit}」的评分表文件名 {file_stem(result.unit)}.xlsx 与{clash}相同",
                                    NAME_HINT))
        else:
            taken[key] = result.unit
    if problems:
        raise KaoheError(problems)


def write_sheets(ruleset: Ruleset, result: UnitResult, out_dir: Path, notes: Notes | None = None) -> None:
    stem = file_stem(result.unit)
    unit_notes = notes.of(result.unit) if notes is not None else None
    write_atomic(out_dir / f"{stem}.xlsx", sheet_xlsx(ruleset, result, unit_notes))
    write_atomic(out_dir / f"{stem}.html", sheet_html(ruleset, result, unit_notes))


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while it forked us


def _render_slice(indexes: range) -> int:
    ruleset, results, out_dir, notes = _job
    for index in indexes:
        write_sheets(ruleset, results[index], out_dir, notes)
    return len(indexes)


def write_outputs(ruleset: Ruleset, results: list[UnitResult], out_dir: Path, workers: int | None = None,
                  notes: Notes | None = None, extra: Mapping[str, bytes | str] | None = None,
                  progress: Callable[[int], None] | None = None) -> list[Path]:
    """Write the JSON, the summaries and one score sheet pair per unit, replacing `out_dir` as a whole.

    `notes`: a caller's notes for the sheets and the summary; `extra`: further files (name → content)
    written into the same set. Returns the summary files and the extra files. Raises KaoheError, with
    `out_dir` untouched, when names collide, the folder holds files kaohe did not write, another run
    is writing it, or writing fails. `progress(n)` is told as each n more units' sheets are written."""
    out_dir = Path(out_dir)
    extra = dict(extra or {})
    _check_extra_names(tuple(extra))
    check_file_names(results, tuple(extra))
    summary_notes = notes.summary if notes is not None else None
    with replaced_folder(out_dir) as staging:
        _write_sheets(ruleset, results, staging, workers, notes, progress or (lambda done: None))
        for name, text in (("results.json", dumps(results_document(ruleset, results), compact=True)),
                           ("summary.txt", summary_text(ruleset, results)),
                           ("汇总.xlsx", summary_xlsx(ruleset, results, summary_notes)),
                           ("汇总.html", summary_html(ruleset, results, summary_notes)),
                           *extra.items()):
            write_atomic(staging / name, text)
    return [out_dir / name for name in SUMMARY_FILES + tuple(extra)]


def _check_extra_names(names: tuple[str, ...]) -> None:
    """A caller's file names are its own choice, never a unit's: a clash or an odd name is our bug."""
    taken = {Path(name).stem.casefold() for name in SUMMARY_FILES}
    for name in names:
        if file_stem(name) != name or name.startswith(".") or {Path(name).stem.casefold(), name.casefold()} & taken:
            raise ValueError(f"extra output file name {name!r} is not a plain new file name")
        taken.add(name.casefold())


def _write_sheets(ruleset: Ruleset, results: list[UnitResult], folder: Path, workers: int | None,
                  notes: Notes | None, progress: Callable[[int], None]) -> None:
    global _job
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers > 1 and len(results) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        _job = (ruleset, results, folder, notes)
        try:
            step = -(-len(results) // (workers * 4))
            slices = [range(i, min(i + step, len(results))) for i in range(0, len(results), step)]
            # Ctrl-C reaches the whole process group: a worker forked but not yet in _ignore_interrupts would die
            # with a traceback and leave the pool waiting for it. So SIGINT stays blocked while the workers are
            # forked (they inherit the mask, and unblock it once they ignore it); the parent's own Ctrl-C is then
            # raised inside the `with`, which terminates the workers.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts)
            except BaseException:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                raise
            with pool:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                # next(timeout) keeps the parent interruptible; leaving the block terminates the workers
                finished = pool.imap_unordered(_render_slice, slices)
                done = 0
                for _ in slices:
                    written = finished.next(timeout=24 * 3600)
                    done += written
                    progress(written)
            if done != len(results):
                raise RuntimeError(f"评分表数目不符：{done} ≠ {len(results)}")
        finally:
            _job = None
    else:
        for result in results:
            write_sheets(ruleset, result, folder, notes)
            progress(1)
