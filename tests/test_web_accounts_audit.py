"""Who may do what is part of the record: users made or changed from the command line or in the admin land in
the round's audit log with the person who did it, and no password reaches the log."""
# ruff: noqa: F811 - the fixtures imported from tests.web_helpers are this module's test arguments
from click.testing import CliRunner

from tests.web_helpers import (  # noqa: F401 - fixtures
    ADMIN,
    CODE,
    PASSWORD,
    USER_A,
    client,
    fresh,
    fresh_template,
)

NEW_PASSWORD = "Another-kaohe-password-77"


def account_entries():
    from kaohe.round.models import AuditEntry
    return list(AuditEntry.objects.filter(action="account").order_by("seq"))


def everything_logged() -> str:
    from kaohe.round.models import AuditEntry
    return "\n".join(f"{e.summary} {e.before} {e.after}" for e in AuditEntry.objects.all())


def test_the_test_round_users_were_logged_when_made(fresh):
    summaries = [e.summary for e in account_entries()]
    assert f"新建用户 {USER_A}：单位 鹿城区（轮次 {CODE}）" in summaries
    assert f"新建用户 {ADMIN}：管理员" in summaries


def test_users_add_and_passwd_from_the_command_line_are_logged_with_who_did_it(fresh, tmp_path):
    from django.conf import settings

    from kaohe.cli.main import cli
    from kaohe.round.verify import verify
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    db = settings.DATABASES["default"]["NAME"]
    before = len(account_entries())
    done = CliRunner().invoke(cli, ["users", "--db", str(db), "--by", "考核办王五", "add", "瓯海区联络员", "--role", "unit",
                                    "--round", CODE, "--unit", "瓯海区", "--password-file", str(secret)])
    assert done.exit_code == 0, done.output
    secret.write_text(NEW_PASSWORD + "\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["users", "--db", str(db), "--by", "考核办王五", "passwd", "瓯海区联络员",
                                    "--password-file", str(secret)])
    assert done.exit_code == 0, done.output
    added = account_entries()[before:]
    assert [(e.summary, e.actor, e.round_code) for e in added] == [
        ("新建用户 瓯海区联络员：单位 瓯海区（轮次 wz）", "考核办王五", CODE),
        ("重设用户 瓯海区联络员 的密码", "考核办王五", CODE)]
    assert PASSWORD not in everything_logged() and NEW_PASSWORD not in everything_logged()
    assert verify().ok


def test_a_role_changed_in_the_admin_is_logged_with_the_administrator(fresh):
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username=USER_A)
    admin = client(ADMIN)
    form = admin.get(f"/admin/auth/user/{user.pk}/change/")
    assert form.status_code == 200
    joined = user.date_joined.astimezone()
    data = {"username": USER_A, "is_active": "on", "last_login_0": "", "last_login_1": "",
            "groups": [g.pk for g in user.groups.all()],
            "date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S"),
            "kaohe_profile-TOTAL_FORMS": "1", "kaohe_profile-INITIAL_FORMS": "1",
            "kaohe_profile-MIN_NUM_FORMS": "0", "kaohe_profile-MAX_NUM_FORMS": "1",
            "kaohe_profile-0-id": str(user.kaohe_profile.pk), "kaohe_profile-0-user": str(user.pk),
            "kaohe_profile-0-role": "unit", "kaohe_profile-0-round": str(user.kaohe_profile.round_id),
            "kaohe_profile-0-unit": "龙湾区", "kaohe_profile-0-group": "", "kaohe_profile-0-department": ""}
    response = admin.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.kaohe_profile.refresh_from_db()
    assert user.kaohe_profile.unit == "龙湾区"
    last = account_entries()[-1]
    assert (last.actor, last.round_code) == (ADMIN, CODE)
    assert last.summary.startswith(f"管理后台修改用户“{USER_A}”：")  # the admin's own words; the date's seconds
    assert last.summary.endswith(f"修改了 角色“单位 龙湾区（轮次 {CODE}）”的 单位。")  # may count as changed too


def test_a_password_changed_in_the_admin_is_logged_without_the_password(fresh):
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username=USER_A)
    response = client(ADMIN).post(f"/admin/auth/user/{user.pk}/password/",
                                  {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    last = account_entries()[-1]
    assert last.actor == ADMIN and last.summary.startswith(f"管理后台修改用户“{USER_A}”")
    assert NEW_PASSWORD not in everything_logged()
