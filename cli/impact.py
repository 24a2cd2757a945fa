"""kaohe impact OLD NEW EVIDENCE..."""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import load_ruleset
from kaohe.engine.extends import chain_files
from kaohe.engine.impact import impact, impact_document, impact_report, load_pairs
from kaohe.engine.render.json import dumps
from kaohe.engine.render.report import report_text

from .diff import write_reports
from .options import json_option, quiet_option
from .score import evidence_paths


@click.command(name="impact")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.argument("evidence", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="另写一份 HTML 报告（含图）。")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path),
              help="另写一份 Excel 报告（含图）。")
@quiet_option
def impact_command(old, new, evidence, as_json, html_file, xlsx_file, quiet) -> None:
    """用同一批材料（通常是上一年的）按新旧两份细则各评一次，看草案会让谁的等次变化、为什么。

    输出等次变化矩阵、各单位新旧总分与差值（按变化排列）、造成变化的指标、缺少新细则所需填报值的单位。

    \b
    示例：
      kaohe impact rulesets/hubei-2014 rulesets/hubei-2015 rulesets/hubei-2014/samples
      kaohe impact rulesets/hubei-2014 rulesets/hubei-2015 rulesets/hubei-2014/samples --html 影响.html
    """
    before, after = load_ruleset(old), load_ruleset(new)
    paths = evidence_paths(evidence)
    inputs = [*chain_files(old), *chain_files(new), *paths]
    old_batch, new_batch = load_pairs(before, after, paths)
    result = impact(before, after, old_batch, new_batch)
    report = impact_report(result)
    write_reports(report, html_file, xlsx_file, quiet, inputs)
    click.echo(dumps(impact_document(result)) if as_json else report_text(report), nl=False)
