"""The `kaohe` command line. `run` is the installed entry point."""
from __future__ import annotations

import sys

from . import chinese

chinese.install()  # before any command module builds its options: click names some types at construction


def run() -> None:
    """Ctrl-C while the command is still importing ends as quietly as it does later."""
    try:
        from .main import main
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    try:
        main()
    except KeyboardInterrupt:  # outside a command (while parsing its options); inside, the command says more
        print("已中断。", file=sys.stderr)
        sys.exit(130)
