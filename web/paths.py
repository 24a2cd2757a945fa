"""Where the web application keeps what it must not serve: the secret key and uploads awaiting 报送.
Beside the SQLite file (kaohe.sqlite3 → kaohe.sqlite3.web/), or ./kaohe-web for a database server; the
environment's KAOHE_PRIVATE_DIR wins. Imported by the settings: nothing here needs Django."""
from __future__ import annotations

import os
from pathlib import Path


def private_dir(target: str) -> Path:
    if os.environ.get("KAOHE_PRIVATE_DIR"):
        return Path(os.environ["KAOHE_PRIVATE_DIR"])
    if "://" in target:
        return Path("kaohe-web")
    return Path(target).with_name(Path(target).name + ".web")
