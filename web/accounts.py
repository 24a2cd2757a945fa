"""Users and their roles, as `kaohe users` creates them: Django's users, its password hashing and validators, a
group per role, and the profile binding a user to a round and to its unit, inspection group or department."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.engine import KaoheError, Location, Problem
from kaohe.engine.errors import did_you_mean
from kaohe.round import audit
from kaohe.round.state import find_round, groups, roster, ruleset_of

from .models import Profile

ROLE_NAMES = dict(Profile.ROLES)
BINDING = {Profile.UNIT: ("unit", "--unit", "单位"), Profile.INSPECTION: ("group", "--group", "考核组"),
           Profile.DEPARTMENT: ("department", "--department", "牵头部门")}


def _refuse(where: str, message: str, hint: str = "") -> KaoheError:
    return KaoheError([Problem(Location(where), message, hint)])


@dataclass(frozen=True)
class NewUser:
    name: str
    role: str
    round_code: str = ""
    unit: str = ""
    group: str = ""
    department: str = ""


def departments_of(round_) -> list[str]:
    """The lead departments the round's ruleset names, one by one."""
    found: list[str] = []
    for item in ruleset_of(round_).leaves():
        if item.provider == "department":
            found += [d for d in item.departments if d not in found]
    return found


def validate(new: NewUser):
    """Everything about a new user but its password; the round it belongs to (None for an administrator)."""
    where = f"用户 {new.name}"
    if not new.name.strip() or len(new.name) > 150 or any(c.isspace() for c in new.name):
        raise _refuse(where, "用户名应为不含空白的短名称（可以用中文，如 鹿城区张三）")
    if new.role not in ROLE_NAMES:
        raise _refuse(where, f"角色应为 {'、'.join(ROLE_NAMES)} 之一")
    if get_user_model().objects.filter(username=new.name).exists():
        raise _refuse(where, "已有同名用户", "改密码用 kaohe users passwd；改角色请到管理后台 /admin/")
    if new.role == Profile.ADMIN:
        return None
    if not new.round_code:
        raise _refuse(where, f"{ROLE_NAMES[new.role]}用户必须用 --round 指定考核轮次")
    round_ = find_round(new.round_code)
    bindings = {"unit": new.unit, "group": new.group, "department": new.department}
    field = BINDING.get(new.role)
    for other, given in bindings.items():
        if given and (field is None or other != field[0]):
            raise _refuse(where, f"{ROLE_NAMES[new.role]}用户不能指定 --{other}")
    if field is None:
        return round_
    name, option, word = field
    given = bindings[name].strip()
    known = {"unit": lambda: roster(round_), "group": lambda: sorted(set(groups(round_).values())),
             "department": lambda: departments_of(round_)}[name]()
    if not given:
        raise _refuse(where, f"{ROLE_NAMES[new.role]}用户必须用 {option} 指定{word}",
                      f"本轮次的{word}：{'、'.join(known)}" if known else "")
    if given not in known:
        raise _refuse(where, f'{word} "{given}" 不在轮次 {round_.code} 中',
                      did_you_mean(given, known) or (f"本轮次的{word}：{'、'.join(known)}" if known else ""))
    return round_


# Django's own Chinese, where its catalogue lags behind its messages
PASSWORD_MESSAGES = {"password_too_short": "密码太短，至少要有 {min_length} 个字符",
                     "password_too_common": "这个密码太常见了", "password_entirely_numeric": "密码不能全部是数字",
                     "password_too_similar": "密码与用户名太相似"}


def check_password(password: str, name: str) -> None:
    """Django's password validators, their messages in Chinese."""
    user = get_user_model()(username=name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        messages = [PASSWORD_MESSAGES[e.code].format(**(e.params or {})) if e.code in PASSWORD_MESSAGES
                    else " ".join(e.messages) for e in error.error_list]
        raise KaoheError([Problem(Location(f"用户 {name}"), f"密码不符合要求：{message}")
                          for message in messages]) from None


def log_account(summary: str, actor: str, round_code: str = "", after: dict | None = None) -> None:
    """A change to who may do what, entered in the audit log like every change to a round (never a password)."""
    with audit.writing():
        audit.append("account", summary, actor=actor, at=audit.now(), round_code=round_code, after=after)


def create_user(new: NewUser, password: str, actor: str = "命令行"):
    round_ = validate(new)
    check_password(password, new.name)
    with transaction.atomic():
        user = get_user_model().objects.create_user(new.name, password=password)
        if new.role == Profile.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        user.groups.add(Group.objects.get_or_create(name=ROLE_NAMES[new.role])[0])
        profile = Profile.objects.create(user=user, role=new.role, round=round_, unit=new.unit.strip(),
                                         group=new.group.strip(), department=new.department.strip())
        log_account(f"新建用户 {user.username}：{profile}", actor, round_.code if round_ else "",
                    {"user": user.username, "role": new.role, "unit": profile.unit, "group": profile.group,
                     "department": profile.department})
    return user


def find_user(name: str):
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise _refuse(f"用户 {name}", "没有这个用户", "用 kaohe users list 查看已有用户")
    return user


def set_password(name: str, password: str, actor: str = "命令行") -> None:
    user = find_user(name)
    check_password(password, name)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        profile = getattr(user, "kaohe_profile", None)
        log_account(f"重设用户 {name} 的密码", actor, profile.round.code if profile and profile.round_id else "",
                    {"user": name})


def all_users() -> list:
    return list(get_user_model().objects.select_related("kaohe_profile", "kaohe_profile__round").order_by("username"))
