"""A real, throwaway PostgreSQL server for the tests that need one.

`postgres_url` (session) starts a cluster of its own the first time a test asks for it: initdb into a
temporary folder, postgres on a free port on 127.0.0.1, trust authentication (nothing but this machine
can reach it, and it lives only as long as the test run), a role `kaohe` that may create databases and a
database `kaohe_test`. The server is stopped and the folder removed when the session ends, also after a
failure or Ctrl-C. `postgres_database` (function) is a fresh empty database for one test, dropped after it.

The programs come from Debian's `postgresql` package: `tests/postgres.sh` (run by `make test`) installs
them when they are missing. Without them these fixtures fail, they never skip.
"""
from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROLE = "kaohe"
DATABASE = "kaohe_test"
SUPERUSER = "postgres"
LIBDIR = Path("/usr/lib/postgresql")


@dataclass
class Server:
    bindir: Path
    root: Path  # the temporary folder: data/, the socket and the log
    port: int
    run_as: str | None  # the user the server runs as when we are root

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        # cwd: the server's user may not be allowed into ours; LC_ALL: the cluster is created with --no-locale.
        return subprocess.run(command, cwd=self.root, env={**os.environ, "LC_ALL": "C"},
                              capture_output=True, text=True, timeout=timeout)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30")
        shutil.rmtree(self.root, ignore_errors=True)


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl, else the folder of initdb on PATH."""
    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.name)) or (0,)

    candidates = sorted(LIBDIR.glob("*/bin"), key=lambda b: version(b.parent), reverse=True) if LIBDIR.is_dir() else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / p, os.X_OK) for p in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_user() -> str | None:
    """initdb refuses to run as root: as root the server runs as the `postgres` user Debian's package creates."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.fail("以 root 运行测试时，PostgreSQL 要以普通用户运行，但系统中没有 postgres 用户；请运行 bash tests/postgres.sh",
                pytrace=False)


def failure(server: Server, what: str, result: subprocess.CompletedProcess) -> str:
    log = server.log.read_text(errors="replace")[-3000:] if server.log.exists() else ""
    return "\n".join(part for part in (f"测试用的 PostgreSQL 服务器{what}失败（{server.bindir}）：",
                                      result.stdout.strip(), result.stderr.strip(), log.strip()) if part)


def start(bindir: Path) -> Server:
    run_as = server_user()
    # Not under pytest's own tmp folders: as root those are closed to the server's user.
    root = Path(tempfile.mkdtemp(prefix="kaohe-pg-", dir="/tmp" if run_as else None))
    server = Server(bindir=bindir, root=root, port=0, run_as=run_as)
    try:
        if run_as:
            user = pwd.getpwnam(run_as)
            os.chown(root, user.pw_uid, user.pw_gid)
        result = server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, "--auth=trust", "--no-locale",
                            "--encoding=UTF8", "--no-sync")
        if result.returncode != 0:
            pytest.fail(failure(server, "初始化（initdb）", result), pytrace=False)
        for _ in range(5):  # the free port may be taken by someone else before the server binds it
            server.log.unlink(missing_ok=True)
            server.port = free_port()
            options = (f"-k {root} -p {server.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c full_page_writes=off -c synchronous_commit=off "
                       # no autovacuum worker in a test database: DROP DATABASE … WITH (FORCE) cannot end
                       # a superuser's session, and a worker arriving at teardown made it fail at random
                       "-c autovacuum=off")
            result = server.run("pg_ctl", "start", "-D", str(server.data), "-l", str(server.log), "-w", "-t", "30",
                                "-o", options)
            if result.returncode == 0:
                break
            log = server.log.read_text(errors="replace") if server.log.exists() else ""
            if "could not bind" not in log:
                pytest.fail(failure(server, "启动（pg_ctl start）", result), pytrace=False)
        else:
            pytest.fail(failure(server, "启动（pg_ctl start）", result), pytrace=False)
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=server.port, user=SUPERUSER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN CREATEDB")
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def postgres_url():
    """URL of the role `kaohe` on the database `kaohe_test` of a throwaway PostgreSQL server."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("找不到 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin/initdb）。请运行 bash tests/postgres.sh"
                    "（以 root 运行时它从 Debian 的 postgresql 软件包安装），或 apt-get install postgresql；"
                    "make test 会先运行它。", pytrace=False)
    began = time.monotonic()
    server = start(bindir)
    atexit.register(server.stop)  # in case the session ends without tearing fixtures down
    print(f"\nPostgreSQL {bindir.parent.name} 已在 127.0.0.1:{server.port} 启动（{time.monotonic() - began:.1f} 秒）")
    try:
        yield server.url()
    finally:
        server.stop()
        atexit.unregister(server.stop)


@contextmanager
def fresh_database(postgres_url: str):
    """A new empty database owned by `kaohe` on the server of `postgres_url`: its URL; dropped afterwards."""
    import psycopg

    name = f"kaohe_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_database(postgres_url):
    """URL of a new empty database for this test only, owned by `kaohe`; dropped after the test."""
    with fresh_database(postgres_url) as url:
        yield url
