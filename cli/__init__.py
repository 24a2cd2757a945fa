"""The `kaohe` command line. `run` is the installed entry point."""
from __future__ import annotations

import signal
import sys

# Nothing is written before a command runs, so an interrupt while importing or parsing leaves everything as it was too
INTERRUPTED = "已中断：没有写出任何不完整的结果，输出文件夹保持原样。"

try:
    from . import chinese

    chinese.install()  # before any command module builds its options: click names some types at construction
except KeyboardInterrupt:  # Ctrl-C while the program is still starting: the same one line, never a traceback
    print(INTERRUPTED, file=sys.stderr)
    sys.exit(130)


def run() -> None:
    """Ctrl-C while the command is still importing ends as quietly as it does later."""
    try:
        from .main import main
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    try:
        main()
    except KeyboardInterrupt:  # outside a command (while parsing its options); inside, the command says more
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    finally:
        # The command is over: a Ctrl-C during the interpreter's shutdown would otherwise kill it silently with the
        # default handler (exit status -2) after everything was written and said.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
