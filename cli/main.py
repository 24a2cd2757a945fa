"""The `kaohe` command: one module per verb, each a thin layer over kaohe.engine.

Exit codes, the same for every verb: 0 done; 1 the inputs have problems
(errors, failed cases, unscored items); 2 usage error; 3 internal error;
130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import os
import sys
import traceback

import click

from kaohe.engine import KaoheError

from . import chinese
from .check import check
from .diff import diff_command
from .impact import impact_command
from .lint import lint
from .round import round_group
from .score import score
from .serve import serve
from .template import template
from .test import test_command
from .users import users_group
from .validate import validate

EXIT_PROBLEMS, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 3, 130


class KaoheGroup(click.Group):
    """Turns input problems into their messages and our own bugs into 内部错误, never a traceback;
    usage errors into Chinese (click's own words are translated in chinese.py, the way it assembles them here)."""

    context_class = chinese.Context

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:  # `kaohe --x`, `kaohe nosuch`
            raise chinese.in_chinese(error) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:  # a verb's, or a group's sub-verb's, arguments and options
            raise chinese.in_chinese(error) from None
        except KaoheError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.echo(f"共 {len(error.problems)} 个问题。", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("已中断：没有写出任何不完整的结果，输出文件夹保持原样。", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `kaohe lint … | head`: the reader has what it wanted; say nothing more to it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_PROBLEMS)
        except Exception as error:  # noqa: BLE001 - the last line of defence: InternalError and our other bugs
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"内部错误：{type(error).__name__}: {error}", err=True)
            click.echo("这是 kaohe 的缺陷，不是您的输入有误。请把上面这行、所用命令和输入文件发给维护人员；"
                       "加 --debug 可看到完整的调用栈。", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=KaoheGroup, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.option("--debug", is_flag=True, help="出现内部错误时显示完整调用栈。")
@click.version_option(package_name="kaohe", message="kaohe %(version)s")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """质量工作考核评分：按版本化的评分细则为各单位评分、定级，逐项注明依据条款。

    \b
    退出码：0 完成；1 输入有问题（错误、未评分项）；2 用法错误；3 内部错误；130 被 Ctrl-C 中断。
    """
    ctx.ensure_object(dict)["debug"] = debug


def chinese_help(command: click.Command) -> None:
    """Every verb and sub-verb: [选项] in its usage line, help pages laid out for Chinese."""
    command.options_metavar = "[选项]"
    command.context_class = chinese.Context
    if command.help and not command.short_help:
        command.short_help = chinese.short_help(command.help)
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            chinese_help(sub)


for command in (validate, lint, test_command, diff_command, impact_command, score, check, template, round_group,
                serve, users_group):
    chinese_help(command)
    cli.add_command(command)


def main() -> None:
    cli(prog_name="kaohe")


if __name__ == "__main__":
    sys.exit(main())
