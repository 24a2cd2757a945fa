"""kaohe template RULESET [--unit NAME]... [--department NAME | --inspection NAME] [-o FILE]"""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import load_ruleset
from kaohe.engine.errors import did_you_mean
from kaohe.engine.extends import chain_files
from kaohe.engine.model import Ruleset
from kaohe.engine.render.entrysheet import lead_departments, party_items, write_party_workbook
from kaohe.engine.render.files import refuse_overlap, write_atomic
from kaohe.engine.render.fillin import fillin_xlsx
from kaohe.engine.render.outputs import file_stem

from .options import quiet_option, ruleset_argument


@click.command()
@ruleset_argument
@click.option("--unit", "units", multiple=True, metavar="单位",
              help="填报表：为这个单位生成。评定表：只含这些单位（可重复；考核组的评定表必须给出）。")
@click.option("--department", metavar="牵头部门",
              help="生成这个牵头部门的评定表：它牵头评定的指标，每个单位一行。")
@click.option("--inspection", metavar="考核组",
              help="生成这个考核组的评定表：考核组评定的指标，--unit 给出的每个单位一行。")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="写到这个文件（默认：当前文件夹下的 <细则>-<单位>-填报表.xlsx 或 <细则>-<评定方>-评定表.xlsx）。")
@quiet_option
def template(ruleset, units, department, inspection, out_file, quiet) -> None:
    """生成各单位填写的填报表（.xlsx）：说明、逐项填报行（下拉选项、数值范围、适用目标、佐证材料、自评得分、备注、依据）、事件表；
    或牵头部门、考核组填写的评定表。

    填报表只让单位填本单位提供的值；由考核组或牵头部门评定的项目是灰色的只读行。
    评定表每行是一个单位的一个指标：得分或填报值（核查评分另有必填的评分理由）、备注、录入人。
    只有填报格可以修改，其余格子和工作簿结构受保护。填报表填好后可直接交给 kaohe check 和 kaohe score。

    \b
    示例：
      kaohe template rulesets/wenzhou-2014 --unit 鹿城区
      kaohe template rulesets/hubei-2014 -o 湖北2014填报表.xlsx
      kaohe template rulesets/wenzhou-2014 --department 市质监局 -o 市质监局-评定表.xlsx
      kaohe template rulesets/wenzhou-2014 --inspection 第一组 --unit 鹿城区 --unit 龙湾区
    """
    loaded = load_ruleset(ruleset)
    for unit in units:
        if unit not in loaded.units:
            hint = did_you_mean(unit, loaded.units) or f"名单：{'、'.join(loaded.units)}"
            raise click.BadParameter(f"「{unit}」不在细则 {loaded.id} 的被考核单位名单中。{hint}", param_hint="--unit")
    if department is not None and inspection is not None:
        raise click.UsageError("--department 与 --inspection 只能选一个：一份评定表只属于一个评定方")
    if department is None and inspection is None:
        if len(units) > 1:
            raise click.UsageError("填报表一次为一个单位生成（--unit 只能给一次）；"
                                   "为多个单位生成评定表请加 --department 或 --inspection")
        unit = units[0] if units else ""
        target = out_file or Path(f"{loaded.id}-{file_stem(unit) if unit else '空白'}-填报表.xlsx")
        content, what = fillin_xlsx(loaded, unit), "填报表"
    else:
        kind, party = ("department", department) if department is not None else ("inspection", inspection)
        _check_party(loaded, kind, party, units)
        target = out_file or Path(f"{loaded.id}-{file_stem(party)}-评定表.xlsx")
        content, what = write_party_workbook(loaded, kind, party, list(units) or list(loaded.units)), "评定表"
    refuse_overlap(chain_files(ruleset), target, output_is_folder=False)
    write_atomic(target, content)
    if not quiet:
        click.echo(f"{what}已写入 {target}", err=True)
    click.echo(str(target))


def _check_party(ruleset: Ruleset, kind: str, party: str, units: tuple[str, ...]) -> None:
    """The party has items to give in this ruleset; an inspection group is told which units it visits."""
    option = f"--{kind}"
    if kind == "department":
        known = lead_departments(ruleset)
        if not known:
            raise click.BadParameter(f"细则 {ruleset.id} 中没有由牵头部门评定的指标（provider: department）",
                                     param_hint=option)
        if not party_items(ruleset, kind, party):
            hint = did_you_mean(party, known) or f"由牵头部门评定的指标的牵头部门：{'、'.join(known)}"
            raise click.BadParameter(f"「{party}」不是细则 {ruleset.id} 中由牵头部门评定的指标的牵头部门。{hint}",
                                     param_hint=option)
        return
    if not party.strip():
        raise click.BadParameter("考核组名称不能为空", param_hint=option)
    if not party_items(ruleset, kind, party):
        raise click.BadParameter(f"细则 {ruleset.id} 中没有由考核组评定的指标", param_hint=option)
    if not units:
        raise click.UsageError("考核组的评定表须用 --unit 给出这个组考核的单位"
                               "（可重复，如 --unit 鹿城区 --unit 龙湾区）")
