from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_the_default_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update({"ALUR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "alur.config.settings"})
    result = subprocess.run(
        [sys.executable, "-m", "alur.config.cli", "migrate", "--verbosity", "0"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "alur.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
