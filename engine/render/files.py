"""Write outputs so that nothing the user gave is touched and nothing half-written is ever seen.

- `write_atomic`: one file, via a temporary file beside it and a rename.
- `replaced_folder`: a whole output folder, written into a staging folder beside it and
  swapped in only when complete; a failed or interrupted run leaves the previous set.
- `folder_lock`: one writer per output folder at a time.
- `refuse_overlap`: outputs that would replace or hold an input are refused before
  anything is written.
Every operating-system error becomes a KaoheError naming the path, in Chinese.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import glob
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import KaoheError, Location, Problem, os_error_text

MANIFEST = ".kaohe-manifest.json"  # lists what kaohe wrote, so a re-run knows the folder is its own
STAGING, BACKUP, LOCK = ".kaohe-new-", ".kaohe-old-", ".kaohe-lock"


def output_error(path: Path | str, error: OSError, doing: str = "写入") -> KaoheError:
    return KaoheError([Problem(Location(str(path)), f"无法{doing}：{os_error_text(error)}",
                               _os_hint(error))])


def _os_hint(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "请清理磁盘空间后重新运行；已有的输出保持原样"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "请换一个有写入权限的文件夹"
    if error.errno == errno.ENOTDIR:
        return "输出路径中的某一段是已有的文件；请换一个路径"
    return ""


@functools.cache
def process_umask() -> int:
    """The permissions the user's umask takes away from new files (0o022 typically: outputs become 0644).
    Read from /proc, not by setting the umask, which would race with a thread creating a file meanwhile."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~process_umask())  # mkstemp makes 0600; outputs are for colleagues to read
        os.replace(temporary, path)
    except OSError as error:
        _remove_quietly(temporary)
        raise output_error(path, error) from None
    except BaseException:
        _remove_quietly(temporary)
        raise
    return path


def _remove_quietly(path: str | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def refuse_overlap(inputs: Iterable[Path], output: Path, output_is_folder: bool) -> None:
    """Refuse an output that is an input, or a folder that holds one (written into, it would replace it)."""
    output_real = Path(os.path.realpath(output))
    output_id = _identity(output)
    for given in inputs:
        real = Path(os.path.realpath(given))
        same = real == output_real or (output_id is not None and _identity(given) == output_id)
        if same and not output_is_folder:
            raise KaoheError([Problem(Location(str(output)), f"输出文件就是输入文件 {given}，写入会覆盖它",
                                      "请为输出另选一个文件名")])
        if output_is_folder and same:
            raise KaoheError([Problem(Location(str(output)), f"输出文件夹就是输入 {given}，写入会覆盖或混入输入",
                                      "请为输出另选一个文件夹，例如 结果/")])
        if output_is_folder and output_real in real.parents:
            raise KaoheError([Problem(Location(str(output)),
                                      f"输出文件夹中有输入文件 {given}，写入会覆盖或混入输入",
                                      "请为输出另选一个文件夹，例如 结果/")])


@contextlib.contextmanager
def folder_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for writing `target`; a second writer is refused at once, not queued."""
    lock_path = target.parent / f".{target.name}{LOCK}"
    for parent in reversed(target.parents):
        if parent.exists() and not parent.is_dir():
            raise KaoheError([Problem(Location(str(target)), f"输出路径中的 {parent} 是文件，不是文件夹",
                                      "请换一个输出路径")])
    while True:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise output_error(target, error, "创建输出文件夹") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise KaoheError([Problem(Location(str(target)), "另一个 kaohe 正在写入这个输出文件夹",
                                      "请等它结束后再运行，或换一个输出文件夹")]) from None
        # The holder before us may have removed the lock file after we opened it: lock the file that is there.
        if _same_file(handle, lock_path):
            break
        os.close(handle)
    try:
        yield
    finally:
        _remove_quietly(str(lock_path))
        os.close(handle)


def _same_file(handle: int, path: Path) -> bool:
    mine = os.fstat(handle)
    return _identity(path) == (mine.st_dev, mine.st_ino)


@contextlib.contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block completes, it replaces `target` as a whole.

    `target` must be absent, empty, or a folder kaohe wrote before (its manifest lists every
    file in it): anything else may hold the user's own files and is refused. On any error or
    Ctrl-C the staging folder is removed and `target` is left as it was.
    """
    target = Path(target)
    with folder_lock(target):
        _recover(target)
        _check_replaceable(target)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING}", dir=target.parent))
            os.chmod(staging, 0o777 & ~process_umask())  # mkdtemp makes 0700
        except OSError as error:
            raise output_error(target.parent, error, "在此创建输出文件夹") from None
        try:
            yield staging
            _write_manifest(staging)
            with _signals_held():
                _swap(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _recover(target: Path) -> None:
    """Undo what a run killed outright (power cut, kill -9) left: restore a backup, drop stale staging."""
    for leftover in sorted(target.parent.glob(f".{glob.escape(target.name)}{BACKUP}*")):
        if not target.exists():
            os.rename(leftover, target)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in target.parent.glob(f".{glob.escape(target.name)}{STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _check_replaceable(target: Path) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise KaoheError([Problem(Location(str(target)), "输出路径是一个已有的文件，不是文件夹",
                                  "请为输出另选一个文件夹")])
    try:
        present = sorted(entry.name for entry in target.iterdir())
    except OSError as error:
        raise output_error(target, error, "读取输出文件夹") from None
    if not present:
        return
    listed = _read_manifest(target)
    foreign = [name for name in present if name != MANIFEST and name not in (listed or {})]
    if listed is None or foreign:
        shown = "、".join((foreign or present)[:5]) + ("……" if len(foreign or present) > 5 else "")
        raise KaoheError([Problem(Location(str(target)),
                                  f"输出文件夹不是空的，其中有不是 kaohe 写出的文件：{shown}",
                                  "kaohe 会用新结果整体替换输出文件夹；为免误删，请换一个空文件夹或新文件夹")])


def _read_manifest(folder: Path) -> dict | None:
    try:
        document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = document.get("files") if isinstance(document, dict) else None
    return files if isinstance(files, dict) else None


def _write_manifest(folder: Path) -> None:
    files = {}
    for path in sorted(folder.iterdir()):
        files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    text = json.dumps({"written_by": "kaohe", "files": files}, ensure_ascii=False, indent=1, sort_keys=True)
    write_atomic(folder / MANIFEST, text + "\n")


def _swap(staging: Path, target: Path) -> None:
    backup = target.parent / f".{target.name}{BACKUP}{os.getpid()}"
    try:
        if target.exists():
            os.rename(target, backup)
        try:
            os.rename(staging, target)
        except OSError:
            if backup.exists():
                os.rename(backup, target)
            raise
    except OSError as error:
        raise output_error(target, error, "替换输出文件夹") from None
    shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Keep Ctrl-C from landing between the two renames of a swap (it is delivered right after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
