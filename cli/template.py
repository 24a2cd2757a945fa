"""kaohe template RULESET [--unit NAME] [-o FILE]"""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import load_ruleset
from kaohe.engine.errors import did_you_mean
from kaohe.engine.extends import chain_files
from kaohe.engine.render.files import refuse_overlap, write_atomic
from kaohe.engine.render.fillin import fillin_xlsx
from kaohe.engine.render.outputs import file_stem

from .options import quiet_option, ruleset_argument, unit_option


@click.command()
@ruleset_argument
@unit_option
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="写到这个文件（默认：当前文件夹下的 <细则>-<单位>-填报表.xlsx）。")
@quiet_option
def template(ruleset, unit, out_file, quiet) -> None:
    """生成各单位填写的填报表（.xlsx）：说明、逐项填报行（下拉选项、数值范围、适用目标、佐证材料、自评得分、备注、依据）、事件表。

    只有填报格可以修改，其余格子和工作簿结构受保护。填好后可直接交给 kaohe check 和 kaohe score。

    \b
    示例：
      kaohe template rulesets/wenzhou-2014 --unit 鹿城区
      kaohe template rulesets/hubei-2014 -o 湖北2014填报表.xlsx
    """
    loaded = load_ruleset(ruleset)
    if unit and unit not in loaded.units:
        hint = did_you_mean(unit, loaded.units) or f"名单：{'、'.join(loaded.units)}"
        raise click.BadParameter(f"「{unit}」不在细则 {loaded.id} 的被考核单位名单中。{hint}", param_hint="--unit")
    target = out_file or Path(f"{loaded.id}-{file_stem(unit) if unit else '空白'}-填报表.xlsx")
    refuse_overlap(chain_files(ruleset), target, output_is_folder=False)
    write_atomic(target, fillin_xlsx(loaded, unit or ""))
    if not quiet:
        click.echo(f"填报表已写入 {target}", err=True)
    click.echo(str(target))
