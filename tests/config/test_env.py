"""Configuration from the environment: strict, with errors that name the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alur.config.env import ConfigError, load_config, parse_database_url

BASE = Path("/srv/alur")


def load(tmp_path: Path, **environ: str) -> object:
    return load_config({"ALUR_DATA_DIR": str(tmp_path), **environ}, base_dir=BASE)


def test_defaults_are_sqlite_jakarta_indonesian_and_a_kept_secret_key(tmp_path: Path) -> None:
    config = load_config({"ALUR_DATA_DIR": str(tmp_path)}, base_dir=BASE)
    assert config.database.engine == "django.db.backends.sqlite3"
    assert config.database.name == str(tmp_path / "alur.sqlite3")
    assert config.time_zone == "Asia/Jakarta"
    assert config.language == "id"
    assert config.debug is False
    assert config.warehouse_url.startswith("duckdb://")
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == config.secret_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    # Generated once: a second start reads the same key.
    assert load_config({"ALUR_DATA_DIR": str(tmp_path)}, base_dir=BASE).secret_key == config.secret_key


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ALUR_DEBUG", "maybe", "ALUR_DEBUG='maybe' is not a yes/no value"),
        ("ALUR_TIME_ZONE", "Mars/Olympus", "ALUR_TIME_ZONE='Mars/Olympus' is not a known time zone"),
        ("ALUR_LANGUAGE", "fr", "ALUR_LANGUAGE='fr' is not supported"),
        ("DATABASE_URL", "mysql://root@localhost/alur", "DATABASE_URL has the scheme 'mysql'"),
        ("DATABASE_URL", "postgres://localhost", "DATABASE_URL names no database"),
        ("SECRET_KEY", "short", "SECRET_KEY is shorter than 32 characters"),
        ("ALLOWED_HOSTS", "alur.example.com,,x", "ALLOWED_HOSTS='alur.example.com,,x' has an empty item"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' is not a whole number"),
        ("EMAIL_PORT", "70000", "EMAIL_PORT=70000 is out of range"),
        ("ALUR_BASE_URL", "alur.example.com", "ALUR_BASE_URL='alur.example.com' is not a web address"),
        ("ALUR_LOGIN_FAILURE_LIMIT", "0", "ALUR_LOGIN_FAILURE_LIMIT=0 is out of range"),
    ],
)
def test_bad_values_fail_with_a_message_naming_the_variable(tmp_path: Path, variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, **{variable: value})


def test_tls_and_ssl_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EMAIL_USE_TLS and EMAIL_USE_SSL"):
        load(tmp_path, EMAIL_HOST="smtp.example.com", EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")


def test_email_uses_smtp_when_a_host_is_set(tmp_path: Path) -> None:
    config = load_config(
        {"ALUR_DATA_DIR": str(tmp_path), "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "yes"},
        base_dir=BASE,
    )
    assert config.email.backend == "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    assert (config.email.port, config.email.use_tls) == (587, True)  # type: ignore[attr-defined]


def test_postgres_urls_are_parsed_with_credentials_and_options() -> None:
    db = parse_database_url("postgres://alur:p%40ss@db.internal:5433/alur?sslmode=require")
    assert (db.engine, db.name, db.user, db.password, db.host, db.port) == (
        "django.db.backends.postgresql",
        "alur",
        "alur",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert db.options == {"sslmode": "require"}


def test_relative_sqlite_paths_are_taken_from_the_project_directory(tmp_path: Path) -> None:
    config = load(tmp_path, DATABASE_URL="sqlite:///var/other.sqlite3")
    assert config.database.name == str(BASE / "var/other.sqlite3")  # type: ignore[attr-defined]


def test_the_alur_command_reports_a_bad_setting_in_one_sentence(tmp_path: Path) -> None:
    environ = {
        **os.environ,
        "ALUR_DATA_DIR": str(tmp_path),
        "ALUR_TIME_ZONE": "Mars/Olympus",
        "DJANGO_SETTINGS_MODULE": "alur.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "alur.config.cli", "migrate"], env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "ALUR_TIME_ZONE='Mars/Olympus' is not a known time zone" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_hash_passwords_with_argon2_and_throttle_logins() -> None:
    from alur.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in production.MIDDLEWARE
