"""Everything the `kaohe` command itself says is Chinese, click's words included: every help page, every usage error."""
import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kaohe.cli import chinese
from kaohe.cli.main import cli
from tests.web_helpers import fresh, fresh_template  # noqa: F401

ROOT = Path(__file__).parent.parent
WENZHOU = str(ROOT / "rulesets" / "wenzhou-2014")
SAMPLES = str(ROOT / "rulesets" / "wenzhou-2014" / "samples")
ENGLISH = ("Usage", "Options", "Commands", "Arguments", "Show this message", "Show the version", "[OPTIONS]",
           "[required]", "default:", "env var", "COMMAND [ARGS]", "INTEGER", "TEXT", "PATH")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="kaohe")


def command_paths(command: click.Command = cli, path: tuple[str, ...] = ()):
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_paths(sub, (*path, name))


PATHS = list(command_paths())


def command_at(path: tuple[str, ...]) -> click.Command:
    command = cli
    for name in path:
        command = command.commands[name]
    return command


def test_the_tree_is_walked():
    assert {(), ("score",), ("round",), ("round", "judge"), ("users",), ("users", "add")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(("kaohe", *path)))
def test_every_help_page_reads_chinese(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    page = result.stdout
    assert page.startswith(f"用法：{' '.join(('kaohe', *path))} [选项]")
    assert "\n选项：\n" in page
    assert "  -h, --help" in page and "显示本帮助并退出。" in page
    if isinstance(command_at(path), click.Group):
        assert "\n命令：\n" in page and "命令 [参数]..." in page
    for word in ENGLISH:
        assert word not in page, word
    assert run(*path, "-h").stdout == page


def test_the_top_page_names_the_version_option_in_chinese():
    assert "  --version   显示版本并退出。\n" in run("--help").stdout


def test_help_columns_are_aligned_by_display_width():
    """「-o, --out 文件夹」is as wide on screen as 13 ASCII characters + 2 × 3, so the help texts line up."""
    lines = run("score", "--help").stdout.splitlines()
    starts = {chinese.display_width(line[:line.index(help)])
              for line in lines for help in ("输出稳定的", "把结果作为", "只看这一个单位") if help in line}
    assert len(starts) == 1


def usage_error(*args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr


@pytest.mark.parametrize("args, stderr", [
    (["score"], "用法：kaohe score [选项] RULESET EVIDENCE...\n请运行 kaohe score --help 查看帮助。\n\n"
                "错误：缺少参数 RULESET。\n"),
    (["score", WENZHOU], "用法：kaohe score [选项] RULESET EVIDENCE...\n请运行 kaohe score --help 查看帮助。\n\n"
                         "错误：缺少参数 EVIDENCE...。\n"),
    (["--x"], "用法：kaohe [选项] 命令 [参数]...\n请运行 kaohe --help 查看帮助。\n\n错误：没有选项 --x。\n"),
    (["scor"], "用法：kaohe [选项] 命令 [参数]...\n请运行 kaohe --help 查看帮助。\n\n错误：没有命令 scor。是否应为 score？\n"),
    (["score", "--jsn", WENZHOU, SAMPLES],
     "用法：kaohe score [选项] RULESET EVIDENCE...\n请运行 kaohe score --help 查看帮助。\n\n"
     "错误：没有选项 --jsn。是否应为 --json？\n"),
    (["validate", WENZHOU, "extra"],
     "用法：kaohe validate [选项] RULESET\n请运行 kaohe validate --help 查看帮助。\n\n错误：多余的参数：extra\n"),
    (["score", WENZHOU, SAMPLES, "--unit"],
     "用法：kaohe score [选项] RULESET EVIDENCE...\n请运行 kaohe score --help 查看帮助。\n\n"
     "错误：选项 --unit 后面需要一个值。\n"),
    (["round", "nosuch"],
     "用法：kaohe round [选项] 命令 [参数]...\n请运行 kaohe round --help 查看帮助。\n\n错误：没有命令 nosuch。\n"),
    (["round", "decide", "wz2014", "abc"],
     "用法：kaohe round decide [选项] 轮次 申诉编号\n请运行 kaohe round decide --help 查看帮助。\n\n"
     "错误：申诉编号 的值无效：「abc」不是有效的整数。\n"),
    (["serve", "--port", "0"],
     "用法：kaohe serve [选项]\n请运行 kaohe serve --help 查看帮助。\n\n"
     "错误：--port 的值无效：「0」不在允许的范围（1<=x<=65535）内。\n"),
    (["users", "add", "王五", "--role", "boss"],
     "用法：kaohe users add [选项] 用户名\n请运行 kaohe users add --help 查看帮助。\n\n"
     "错误：--role 的值无效：「boss」不是可选的值，可选：unit、inspection、department、office、admin。\n"),
    (["users", "add", "王五"],
     "用法：kaohe users add [选项] 用户名\n请运行 kaohe users add --help 查看帮助。\n\n"
     "错误：缺少选项 --role。可选：unit、inspection、department、office、admin。\n"),
])
def test_usage_errors_are_chinese_with_exit_code_2(args, stderr):
    assert usage_error(*args) == stderr


def test_a_folder_where_a_file_is_wanted(tmp_path):
    assert usage_error("template", WENZHOU, "--unit", "鹿城区", "-o", tmp_path).endswith(
        f"错误：-o / --out 的值无效：文件 {tmp_path} 是文件夹，不是文件。\n")


def test_a_flag_given_a_value():
    assert usage_error("score", "--json=yes", WENZHOU, SAMPLES).endswith("错误：选项 --json 不带值。\n")


def test_every_message_translated_is_one_click_has():
    """Catches a click upgrade that rewords a message (which would then show in English)."""
    said = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
                said |= {arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    said.add("required")  # click translates it as _(extra["required"])
    assert set(chinese.MESSAGES) <= said
    for message, translation in chinese.MESSAGES.items():
        assert set(re_fields(translation)) <= set(re_fields(message)), message


def re_fields(text):
    return [field.split("!")[0] for field in re.findall(r"\{([^{}]*)\}", text)]


@pytest.mark.parametrize("path", [(), ("round",), ("users",)])
def test_a_group_alone_shows_its_help_page_with_exit_code_2(path):
    result = run(*path)
    assert result.exit_code == 2
    assert result.stderr == run(*path, "--help").stdout  # the page itself, not 错误：<the page>


def test_password_prompts_are_chinese(fresh):  # noqa: F811 - the fixture
    db = str(fresh / "r.sqlite3")
    mismatch = CliRunner().invoke(cli, ["users", "--db", db, "add", "王七", "--role", "office", "--round", "wz"],
                                  input="Typed-password-2014\nOther-password-2014\n")
    assert mismatch.exit_code == 1  # asked again, then the input ran out: 已中止。
    assert "错误：两次输入的不一致。" in mismatch.stderr and mismatch.stderr.endswith("已中止。\n")
    assert "Error" not in mismatch.output and "Aborted" not in mismatch.output
