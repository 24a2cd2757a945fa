"""kaohe users (add, list, passwd) and kaohe serve (waitress, the secret key beside the database)."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.web_helpers import PASSWORD, USER_A, fresh, fresh_template  # noqa: F401

KAOHE = Path(sys.executable).with_name("kaohe")


def users(db, *args, stdin=None):
    from kaohe.cli.main import cli
    return CliRunner().invoke(cli, ["users", "--db", str(db), *args], input=stdin)


def password_file(folder: Path, text: str = "Another-good-password-1\n") -> Path:
    path = folder / "pw.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_users_add_list_and_passwd(fresh):
    db = fresh / "r.sqlite3"
    added = users(db, "add", "瓯海区李四", "--role", "unit", "--round", "wz", "--unit", "瓯海区",
                  "--password-file", password_file(fresh))
    assert added.exit_code == 0, added.output
    assert added.stdout == "已新建用户 瓯海区李四：单位 瓯海区（轮次 wz）\n"
    listed = users(db, "list")
    assert "瓯海区李四  单位 瓯海区（轮次 wz）" in listed.stdout and "管理员  管理员" in listed.stdout
    document = json.loads(users(db, "list", "--json").stdout)
    assert {"name": "瓯海区李四", "role": "unit", "round": "wz", "unit": "瓯海区", "group": None, "department": None,
            "active": True, "last_login": None} in document["users"]
    changed = users(db, "passwd", "瓯海区李四", stdin="Changed-password-2015\nChanged-password-2015\n")
    assert changed.exit_code == 0 and "Changed-password-2015" not in changed.output
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username="瓯海区李四")
    assert user.check_password("Changed-password-2015") and user.groups.get().name == "单位"
    assert user.password.startswith("pbkdf2_sha256$")


def test_the_password_is_asked_twice_and_never_shown(fresh):
    result = users(fresh / "r.sqlite3", "add", "王六", "--role", "office", "--round", "wz",
                   stdin="Typed-password-2014\nTyped-password-2014\n")
    assert result.exit_code == 0, result.output
    assert "Typed-password-2014" not in result.output and "再输入一次" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--role", "unit", "--round", "wz", "--unit", "鹿城"], '单位 "鹿城" 不在轮次 wz 中'),
    (["--role", "unit", "--round", "wz"], "单位用户必须用 --unit 指定单位"),
    (["--role", "unit", "--round", "wz", "--unit", "鹿城区", "--group", "第一组"], "单位用户不能指定 --group"),
    (["--role", "inspection", "--round", "wz", "--group", "第九组"], '考核组 "第九组" 不在轮次 wz 中'),
    (["--role", "department", "--round", "wz", "--department", "市教育局"], '牵头部门 "市教育局" 不在轮次 wz 中'),
    (["--role", "office"], "考核办用户必须用 --round 指定考核轮次"),
    (["--role", "office", "--round", "nope"], "没有这个考核轮次"),
])
def test_users_add_refuses_a_wrong_binding_before_asking_for_a_password(fresh, args, message):
    result = users(fresh / "r.sqlite3", "add", "新用户", *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert "密码" not in result.stderr


@pytest.mark.parametrize("password, message", [("short", "密码太短，至少要有 10 个字符"),
                                               ("12345678901", "密码不能全部是数字"),
                                               ("password1234", "这个密码太常见了")])
def test_a_weak_password_is_refused_in_chinese(fresh, password, message):
    result = users(fresh / "r.sqlite3", "add", "新用户", "--role", "office", "--round", "wz",
                   "--password-file", password_file(fresh, password))
    assert result.exit_code == 1 and message in result.stderr and password not in result.output
    from django.contrib.auth import get_user_model
    assert not get_user_model().objects.filter(username="新用户").exists()


def test_an_existing_user_is_not_replaced(fresh):
    result = users(fresh / "r.sqlite3", "add", USER_A, "--role", "office", "--round", "wz",
                   "--password-file", password_file(fresh))
    assert result.exit_code == 1 and "已有同名用户" in result.stderr


def test_serve_refuses_a_missing_database(tmp_path):
    from kaohe.cli.main import cli
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 1 and "考核轮次数据库不存在" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, deadline: float):
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError as error:
            return error
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def serve(db: Path, port: int):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DJANGO_"))}
    return subprocess.Popen([str(KAOHE), "serve", "--db", str(db), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_runs_under_waitress_with_a_key_made_beside_the_database(fresh):
    from tests.round_helpers import close_connections
    close_connections()
    db = fresh / "r.sqlite3"
    port = free_port()
    server = serve(db, port)
    try:
        response = fetch(f"http://127.0.0.1:{port}/login/", time.monotonic() + 30)
        assert response.status == 200 and response.headers["Server"] == "kaohe"
        assert "<h1>登录</h1>" in response.read().decode()
        assert fetch(f"http://127.0.0.1:{port}/unit/", time.monotonic() + 5).url.endswith("/login/?next=/unit/")
        css = fetch(f"http://127.0.0.1:{port}/static/web/kaohe.css", time.monotonic() + 5)
        assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
        admin_css = fetch(f"http://127.0.0.1:{port}/static/admin/css/base.css", time.monotonic() + 5)
        assert admin_css.status == 200
        assert fetch(f"http://127.0.0.1:{port}/static/../r.sqlite3", time.monotonic() + 5).status == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=30)
    assert "kaohe 网页端已启动：http://127.0.0.1:" in output[1]
    key = db.with_name("r.sqlite3.web") / "secret-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 80
    first = key.read_text()
    from kaohe.web.serving import secret_key
    assert secret_key(key.parent) == first.strip()  # the next start signs with the same key
