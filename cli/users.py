"""kaohe users …: the web application's users and their roles (kaohe.web.accounts)."""
from __future__ import annotations

import getpass
from pathlib import Path

import click

from .chinese import Choice
from .options import json_option
from .round import _emit
from .serve import db_option

ROLES = ("unit", "inspection", "department", "office", "admin")


def _open(db: str) -> None:
    from kaohe.round.database import open_database
    open_database(db)


def _password(password_file: Path | None, name: str) -> str:
    """From the file's first line, or typed twice at a prompt that does not echo; never from the command line."""
    if password_file is not None:
        from kaohe.engine.loading import read_bytes
        text = read_bytes(password_file, 4096).decode("utf-8-sig", errors="strict")
        lines = text.splitlines()
        return lines[0] if lines else ""
    return click.prompt(f"{name} 的密码", hide_input=True, confirmation_prompt="再输入一次", err=True)


password_file_option = click.option("--password-file", type=click.Path(path_type=Path), default=None, metavar="文件",
                                    help="从文件的第一行读取密码（不交互时用；用后请删除该文件）。")


@click.group(name="users", options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@db_option
@click.option("--by", envvar="KAOHE_USER", default=None, metavar="姓名",
              help="操作人，记入日志（环境变量 KAOHE_USER；默认为系统用户名）。")
@click.pass_context
def users_group(ctx: click.Context, db: str, by: str | None) -> None:
    """网页端的用户和角色：单位、考核组、牵头部门、考核办、管理员。

    \b
    示例：
      kaohe users add 鹿城区张三 --role unit --round wz2014 --unit 鹿城区
      kaohe users add 王五 --role office --round wz2014
      kaohe users add admin --role admin
      kaohe users list
      kaohe users passwd 鹿城区张三
    """
    ctx.ensure_object(dict).update(db=db, by=(by or "").strip() or getpass.getuser())


@users_group.command()
@click.argument("name", metavar="用户名")
@click.option("--role", required=True, type=Choice(ROLES), help="角色：单位、考核组、牵头部门、考核办、管理员。")
@click.option("--round", "round_code", default="", metavar="轮次", help="用户所属的考核轮次（管理员以外必填）。")
@click.option("--unit", default="", metavar="单位", help="单位用户所属的被考核单位。")
@click.option("--group", default="", metavar="考核组", help="考核组用户所属的考核组。")
@click.option("--department", default="", metavar="部门", help="牵头部门用户所属的部门。")
@password_file_option
@json_option
@click.pass_context
def add(ctx, name, role, round_code, unit, group, department, password_file, as_json) -> None:
    """新建用户并指定角色；密码在提示时输入两次（不回显），或用 --password-file。"""
    _open(ctx.obj["db"])
    from kaohe.web.accounts import NewUser, create_user, validate
    new = NewUser(name, role, round_code, unit, group, department)
    validate(new)  # before asking for a password
    user = create_user(new, _password(password_file, name), ctx.obj["by"])
    profile = user.kaohe_profile
    _emit(as_json, {"name": user.username, "role": role, "round": round_code or None, "unit": unit or None,
                    "group": group or None, "department": department or None},
          f"已新建用户 {user.username}：{profile}")


@users_group.command(name="list")
@json_option
@click.pass_context
def list_users(ctx, as_json) -> None:
    """列出用户、角色、所属轮次和单位/考核组/部门。"""
    _open(ctx.obj["db"])
    from kaohe.web.accounts import all_users
    rows, lines = [], []
    for user in all_users():
        profile = getattr(user, "kaohe_profile", None)
        rows.append({"name": user.username, "role": profile.role if profile else None,
                     "round": profile.round.code if profile and profile.round_id else None,
                     "unit": (profile.unit if profile else "") or None,
                     "group": (profile.group if profile else "") or None,
                     "department": (profile.department if profile else "") or None,
                     "active": user.is_active,
                     "last_login": user.last_login.isoformat(timespec="seconds") if user.last_login else None})
        lines.append(f"{user.username}  {profile or '（没有角色）'}" + ("" if user.is_active else "  已停用"))
    _emit(as_json, {"users": rows}, "\n".join(lines) if lines else "还没有用户")


@users_group.command()
@click.argument("name", metavar="用户名")
@password_file_option
@click.pass_context
def passwd(ctx, name, password_file) -> None:
    """重设用户的密码。"""
    _open(ctx.obj["db"])
    from kaohe.web.accounts import find_user, set_password
    find_user(name)
    set_password(name, _password(password_file, name), ctx.obj["by"])
    click.echo(f"已重设 {name} 的密码")
