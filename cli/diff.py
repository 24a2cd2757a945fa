"""kaohe diff OLD NEW"""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import load_ruleset
from kaohe.engine.diff import diff, diff_report
from kaohe.engine.extends import chain_files
from kaohe.engine.render.files import refuse_overlap, write_atomic
from kaohe.engine.render.report import report_html, report_text, report_xlsx

from .options import quiet_option


@click.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="另写一份 HTML 报告。")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path), help="另写一份 Excel 报告。")
@quiet_option
def diff_command(old, new, html_file, xlsx_file, quiet) -> None:
    """比较两份细则：指标的增删、移动、改名、改编号，分值、评分方法、目标和参数的变化，等级、结果规则、来源。

    \b
    示例：
      kaohe diff rulesets/hubei-2014 rulesets/hubei-2015
      kaohe diff rulesets/hubei-2014 rulesets/hubei-2015 --html 比较.html --xlsx 比较.xlsx
    """
    before, after = load_ruleset(old), load_ruleset(new)
    report = diff_report(before, after, diff(before, after))
    write_reports(report, html_file, xlsx_file, quiet, [*chain_files(old), *chain_files(new)])
    click.echo(report_text(report), nl=False)


def write_reports(report, html_file, xlsx_file, quiet, inputs: list[Path]) -> None:
    """Render every report before writing any, so a failure leaves no report of a run that did not finish.
    A report file that is one of the inputs is refused before anything is written."""
    for path in (html_file, xlsx_file):
        if path is not None:
            refuse_overlap(inputs, path, output_is_folder=False)
    rendered = [(path, render(report)) for path, render in ((html_file, report_html), (xlsx_file, report_xlsx))
                if path is not None]
    for path, content in rendered:
        write_atomic(path, content)
        if not quiet:
            click.echo(f"报告已写入 {path}", err=True)
