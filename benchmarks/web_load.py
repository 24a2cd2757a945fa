"""Load: N municipal officials at once against one `kaohe serve` — each logs in, uploads its evidence for the
self-check, and submits it — then checks that no submission was lost or duplicated.

    python benchmarks/web_load.py                        # 100 officials, a SQLite round
    python benchmarks/web_load.py --db postgresql://kaohe@127.0.0.1:5432/load

Loopback only; bounded (--timeout, default 300 s, after which it stops the server and fails); prints the
throughput and the median and p95 latency of each step. Exits 1 when a submission is lost or duplicated.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import random_evidence_data, unit_name, write_ruleset  # noqa: E402

PASSWORD = "kaohe-load-test-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')
VERDICT = re.compile(r'<h2 id="verdict">(.*?)</h2>', re.S)


class Official:
    """One browser: its own cookies, the CSRF token of the last page, and the time each request took."""

    def __init__(self, base: str, name: str):
        self.base, self.name = base, name
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.timings: dict[str, float] = {}

    def request(self, step: str, path: str, data: bytes | None = None, content_type: str = "") -> str:
        headers = {"Referer": self.base + path}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        with self.opener.open(urllib.request.Request(self.base + path, data=data, headers=headers),
                              timeout=120) as response:
            body = response.read().decode("utf-8")
        self.timings[step] = self.timings.get(step, 0) + time.perf_counter() - started
        return body

    def token(self, page: str) -> str:
        found = CSRF.search(page)
        if not found:
            raise RuntimeError(f"{self.name}: no CSRF token on the page")
        return found.group(1)

    def post(self, step: str, path: str, fields: dict[str, str], page: str) -> str:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.token(page)}).encode()
        return self.request(step, path, body, "application/x-www-form-urlencoded")

    def upload(self, step: str, path: str, file: Path, page: str) -> str:
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
                 f"{self.token(page)}\r\n".encode(),
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file.name}\"\r\n"
                 "Content-Type: application/json\r\n\r\n".encode(), file.read_bytes(),
                 f"\r\n--{boundary}--\r\n".encode()]
        return self.request(step, path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def play(self, evidence: Path) -> None:
        login = self.request("login", "/login/")
        self.post("login", "/login/", {"username": self.name, "password": PASSWORD}, login)
        form = self.request("check", "/unit/check/")
        checked = self.upload("check", "/unit/check/", evidence, form)
        verdict = VERDICT.search(checked)
        if not verdict or not verdict.group(1).startswith("可以报送"):
            raise RuntimeError(f"{self.name}: the self-check said {verdict.group(1) if verdict else 'nothing'}")
        digest = DIGEST.search(checked)
        if not digest:
            raise RuntimeError(f"{self.name}: no 报送 form after the self-check")
        self.post("submit", "/unit/submit/", {"digest": digest.group(1)}, checked)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("kaohe serve exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("kaohe serve did not answer")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--db", default="", help="a PostgreSQL URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ruleset = write_ruleset(root / "ruleset", units=args.users)
        from kaohe.round import jsondata  # numbers as exact decimals; no Django needed for the files
        judged = {leaf.id for leaf in ruleset.leaves() if leaf.provider != "unit"}
        files = []
        for index in range(args.users):
            data = random_evidence_data(ruleset, index)
            data["values"] = {k: v for k, v in data["values"].items() if k not in judged}
            path = root / "evidence" / f"{unit_name(index)}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(jsondata.dump(data), encoding="utf-8")
            files.append(path)

        target = args.db or str(root / "round.sqlite3")
        from kaohe.round.database import open_database
        open_database(target, creating=True)
        from kaohe.round import actions
        from kaohe.web.accounts import NewUser, create_user
        actions.new_round(root / "ruleset", "load", "", "压力测试")
        for index in range(args.users):
            create_user(NewUser(f"official{index:04d}", "unit", "load", unit_name(index), "", ""), PASSWORD)
        from django.db import connections
        connections.close_all()

        port = free_port()
        env = dict(os.environ, KAOHE_SECRET_KEY="load-test-" + uuid.uuid4().hex)
        kaohe = Path(sys.executable).with_name("kaohe")
        log = (root / "serve.log").open("wb")
        server = subprocess.Popen([str(kaohe), "serve", "--db", target, "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=log)
        stopper = threading.Timer(args.timeout, server.kill)  # bounded: the server dies at the deadline
        stopper.start()
        try:
            wait_for(port, server)
            base = f"http://127.0.0.1:{port}"
            officials = [Official(base, f"official{i:04d}") for i in range(args.users)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.users) as pool:
                failures = [f for f in pool.map(lambda pair: _play(*pair), zip(officials, files, strict=True)) if f]
            spent = time.perf_counter() - started
        finally:
            stopper.cancel()
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()

        log.close()
        server_log = (root / "serve.log").read_text(encoding="utf-8", errors="replace")
        from kaohe.round.models import Submission
        open_database(target)
        counts = {}
        for unit in Submission.objects.filter(round__code="load").values_list("unit", flat=True):
            counts[unit] = counts.get(unit, 0) + 1
        lost = [unit_name(i) for i in range(args.users) if counts.get(unit_name(i), 0) == 0]
        duplicated = sorted(u for u, n in counts.items() if n > 1)

    engine = "PostgreSQL" if args.db else "SQLite"
    print(f"{args.users} officials at once against one kaohe serve ({engine}): {spent:.1f} s, "
          f"{args.users / spent:.1f} officials/s (login + self-check + 报送 each)")
    for step in ("login", "check", "submit"):
        times = [o.timings[step] for o in officials if step in o.timings]
        if times:
            print(f"  {step:<7} median {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
                  f"max {max(times):.2f} s")
    print(f"submissions: {sum(counts.values())} for {args.users} units; lost {len(lost)}, duplicated {len(duplicated)}; "
          f"failures {len(failures)}")
    for failure in failures[:5]:
        print("  " + failure)
    if failures:
        print("the server's log ends:\n" + "\n".join(server_log.splitlines()[-40:]))
    return 0 if not lost and not duplicated and not failures else 1


def _play(official: Official, evidence: Path) -> str:
    try:
        official.play(evidence)
    except Exception as error:  # noqa: BLE001 - reported, and the run fails
        return f"{official.name}: {type(error).__name__}: {error}"
    return ""


if __name__ == "__main__":
    sys.exit(main())
