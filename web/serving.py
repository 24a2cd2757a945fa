"""`kaohe serve`: the web application under waitress, a production WSGI server that also runs on a Windows
office server. The secret key comes from the environment or from a file in the private folder, created on first
start; the command line's placeholder key is never used to serve."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret-key"
THREADS = 8


def secret_key(private: Path) -> str:
    """KAOHE_SECRET_KEY, or the key kept in the private folder (made on first start, readable by its owner only)."""
    if os.environ.get("KAOHE_SECRET_KEY"):
        return os.environ["KAOHE_SECRET_KEY"]
    path = private / KEY_FILE
    if not path.exists():
        private.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server started at the same moment wrote it
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_urlsafe(64) + "\n")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        from kaohe.engine import KaoheError, Location, Problem
        raise KaoheError([Problem(Location(str(path)), "密钥文件的内容太短，不能用于签名会话",
                                  "删除这个文件后重新启动，会生成新的密钥（已登录的用户需要重新登录）")])
    return key


def prepare(target: str, host: str, allowed_hosts: tuple[str, ...], secure_cookies: bool) -> Path:
    """Set the environment the settings read, before Django starts. Returns the private folder."""
    from .paths import private_dir
    private = private_dir(target)
    os.environ["KAOHE_SECRET_KEY"] = secret_key(private)
    os.environ["KAOHE_PRIVATE_DIR"] = str(private.resolve())
    hosts = ["localhost", "127.0.0.1", "[::1]", *allowed_hosts]
    if host not in ("0.0.0.0", "::", ""):
        hosts.append(host)
    os.environ["KAOHE_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(hosts))
    if secure_cookies:
        os.environ["KAOHE_SECURE_COOKIES"] = "1"
    return private


def run(host: str, port: int) -> None:
    """Serve until interrupted; the database is open and migrated already."""
    from django.conf import settings
    from waitress import serve

    from kaohe.server.settings import COMMAND_LINE_KEY
    assert settings.SECRET_KEY != COMMAND_LINE_KEY, "kaohe serve needs a real secret key"
    from kaohe.server.wsgi import application
    serve(application, host=host, port=port, threads=THREADS, ident="kaohe",
          max_request_body_size=2 * settings.UPLOAD_LIMIT, clear_untrusted_proxy_headers=True)
