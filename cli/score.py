"""kaohe score RULESET EVIDENCE..."""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import (
    KaoheError,
    Location,
    Problem,
    evaluate,
    load_evidence,
    load_ruleset,
    results_document,
    summary_text,
)
from kaohe.engine.extends import chain_files
from kaohe.engine.loading import OLD_SPREADSHEET_SUFFIXES
from kaohe.engine.methods import needs_cohort
from kaohe.engine.render.files import refuse_overlap
from kaohe.engine.render.json import dumps
from kaohe.engine.render.outputs import write_outputs
from kaohe.engine.render.summary import unit_detail_text

from .options import json_option, out_option, quiet_option, ruleset_argument, unit_option
from .progress import progress

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")


def evidence_paths(arguments: tuple[Path, ...]) -> list[Path]:
    """Files as given; a folder stands for its evidence files, in name order. A folder without any is refused:
    scoring nobody, or ranking the units that happen to be there, is never what was meant."""
    paths, empty = [], []
    for argument in arguments:
        if argument.is_dir():
            # .xls/.et files are taken too, so that each is refused by name ("请另存为 .xlsx") rather than skipped
            found = sorted(p for p in argument.iterdir()
                           if p.suffix.lower() in EVIDENCE_SUFFIXES + tuple(OLD_SPREADSHEET_SUFFIXES)
                           and not p.name.startswith((".", "~$")))
            if not found:
                empty.append(Problem(Location(str(argument)), "文件夹中没有填报材料（.yaml、.yml、.json、.xlsx 文件）",
                                     "请确认文件夹选对了；填报材料的扩展名应为 .yaml、.yml、.json 或 .xlsx"))
            paths.extend(found)
        else:
            paths.append(argument)
    if empty:
        raise KaoheError(empty)
    return paths


def load_batch(ruleset, arguments, quiet: bool = True):
    """Load every evidence file, reporting the problems of all of them at once."""
    batch, problems = [], []
    paths = evidence_paths(arguments)
    with progress("读取材料", len(paths), quiet) as advance:
        for path in paths:
            try:
                batch.append(load_evidence(path, ruleset))
            except KaoheError as error:
                problems.extend(error.problems)
            advance(1)
    if problems:
        raise KaoheError(problems)
    return batch


@click.command()
@ruleset_argument
@click.argument("evidence", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@out_option
@quiet_option
@unit_option
@click.option("--provisional", is_flag=True, help="允许有未评分项（缺少填报值）时仍给出暂定结果，退出码 0。")
def score(ruleset, evidence, as_json, out_dir, quiet, unit, provisional) -> None:
    """按细则为各单位评分、定级；EVIDENCE 为填报材料文件或其所在文件夹。

    缺少填报值的指标不会按0分处理：结果中列出这些指标，退出码 1，除非加 --provisional。

    \b
    示例：
      kaohe score rulesets/wenzhou-2014 rulesets/wenzhou-2014/samples
      kaohe score rulesets/wenzhou-2014 rulesets/wenzhou-2014/samples --unit 鹿城区
      kaohe score rulesets/wenzhou-2014 rulesets/wenzhou-2014/samples --json -o out/wenzhou-2014
    """
    loaded = load_ruleset(ruleset)
    if out_dir is not None:  # before any work: an output folder that holds an input is refused outright
        refuse_overlap([*chain_files(ruleset), *evidence, *evidence_paths(evidence)], out_dir, output_is_folder=True)
    batch = load_batch(loaded, evidence, quiet)
    results = evaluate(loaded, batch)
    if unit is not None:
        chosen = [r for r in results if r.unit == unit]
        if not chosen:
            raise click.BadParameter(f"本批材料中没有单位「{unit}」，有：{'、'.join(r.unit for r in results)}",
                                     param_hint="--unit")
        shown = dumps(results_document(loaded, chosen)) if as_json else unit_detail_text(loaded, chosen[0])
        results = chosen
    else:
        shown = dumps(results_document(loaded, results)) if as_json else summary_text(loaded, results)
    if out_dir is not None:  # written before anything is shown: a failed write shows no result
        with progress("写出评分表", len(results), quiet) as advance:
            write_outputs(loaded, results, out_dir, progress=advance)
    click.echo(shown, nl=False)
    if out_dir is not None and not quiet:
        click.echo(f"结果已写入 {out_dir}/：每个单位的评分表（.xlsx、.html），汇总.xlsx、汇总.html、"
                   f"results.json、summary.txt", err=True)
    if not quiet:
        for warning in sorted(w for e in batch for w in e.warnings):
            click.echo(f"提醒：{warning}", err=True)
    present = {e.unit for e in batch}
    absent = [u for u in loaded.units if u not in present]
    if absent and not quiet:
        provisional_parts = (["名次类指标"] if any(needs_cohort(leaf.method) for leaf in loaded.leaves()) else []) + (
            ["按名次定级"] if loaded.grading.by == "rank" else [])
        ranked = f"；{'和'.join(provisional_parts)}为暂定" if provisional_parts else ""
        click.echo(f"注意：本批材料有 {len(present)} 个单位，细则名单有 {len(loaded.units)} 个，"
                   f"缺 {len(absent)} 个：{'、'.join(absent)}{ranked}。", err=True)
    incomplete = [r for r in results if r.unscored]
    if incomplete and not provisional:
        click.echo(f"{len(incomplete)} 个单位有未评分的指标（缺少填报值），结果为暂定；"
                   f"补齐材料后重新评分，或加 --provisional 接受暂定结果。", err=True)
        raise click.exceptions.Exit(1)
