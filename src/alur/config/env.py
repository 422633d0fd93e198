"""Strict parsing of Alur's configuration from environment variables.

Every reader names the variable in its error and says what a valid value looks like, so that a typo in
a deployment fails at start-up with a sentence a person can act on, not with a traceback later.
Pure Python: no Django import, so it can be tested with plain dictionaries.
"""

from __future__ import annotations

import base64
import re
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
LANGUAGES = ("id", "en")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


def _raw(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(environ: Mapping[str, str], name: str, default: str) -> str:
    value = _raw(environ, name)
    return default if value is None else value


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = _raw(environ, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={value!r} is not a yes/no value; use one of true, false, 1, 0, yes, no, on, off.")


def env_int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    value = _raw(environ, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number.") from None
    if not minimum <= number <= maximum:
        raise ConfigError(f"{name}={number} is out of range; use a number from {minimum} to {maximum}.")
    return number


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    value = _raw(environ, name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ConfigError(f"{name}={value!r} has an empty item; separate values with single commas.")
    return items


def env_time_zone(environ: Mapping[str, str], name: str, default: str) -> str:
    value = env_str(environ, name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r} is not a known time zone; use an IANA name such as Asia/Jakarta.") from None
    return value


def env_url(environ: Mapping[str, str], name: str, default: str) -> str:
    value = env_str(environ, name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}={value!r} is not a web address; write it as https://alur.example.com.")
    return value.rstrip("/")


def env_choice(environ: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(environ, name, default)
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not supported; use one of: {', '.join(choices)}.")
    return value


@dataclass(frozen=True)
class DatabaseConfig:
    """What Django needs to open the application database."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.engine == "django.db.backends.sqlite3"


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> DatabaseConfig:
    """Parse ``sqlite:///path``, ``sqlite:////abs/path`` or ``postgres://user:pw@host:port/db?opt=v``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///var/alur.sqlite3 -> relative "var/alur.sqlite3"; sqlite:////tmp/x -> "/tmp/x"
        path = path[1:] if path.startswith("/") else path
        if path in ("", ":memory:"):
            return DatabaseConfig(engine="django.db.backends.sqlite3", name=":memory:")
        return DatabaseConfig(engine="django.db.backends.sqlite3", name=path)
    if scheme in ("postgres", "postgresql", "pgsql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ConfigError(f"{name} names no database; write it as postgres://user@host:5432/database.")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{name} has a port that is not a number.") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return DatabaseConfig(
            engine="django.db.backends.postgresql",
            name=database,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=str(port or ""),
            options=options,
        )
    raise ConfigError(f"{name} has the scheme {scheme or '(none)'!r}; Alur supports sqlite:///path and postgres://user@host/db.")


def read_or_create_secret_key(path: Path) -> str:
    """The demo's secret key: generated once, kept in a file only the owner can read."""
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 50:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def read_or_create_credentials_key(path: Path) -> str:
    """A Fernet key for channel credentials, generated once beside the data (0600) when none is set."""
    if path.exists():
        key = path.read_text().strip()
        if len(key) == 44:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class PublishingConfig:
    """The scheduler's knobs (README: "Publishing")."""

    credentials_keys: tuple[str, ...] = ()  # the first encrypts; all decrypt (key rotation)
    late_window_minutes: int = 60
    max_attempts: int = 5
    lease_seconds: int = 120
    token_warning_days: int = 3
    backoff_seconds: int = 30


def parse_publishing(environ: Mapping[str, str], data_dir: Path) -> PublishingConfig:
    keys = env_list(environ, "ALUR_CREDENTIALS_KEYS", [])
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except ValueError:
            raise ConfigError(
                "ALUR_CREDENTIALS_KEYS holds a value that is not a Fernet key (32 bytes, URL-safe base64); "
                'make one with: python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
            ) from None
    if not keys:
        keys = [read_or_create_credentials_key(data_dir / "credentials_key")]
    return PublishingConfig(
        credentials_keys=tuple(keys),
        late_window_minutes=env_int(environ, "ALUR_PUBLISH_LATE_WINDOW_MINUTES", 60, minimum=0, maximum=7 * 24 * 60),
        max_attempts=env_int(environ, "ALUR_PUBLISH_MAX_ATTEMPTS", 5, minimum=1, maximum=20),
        lease_seconds=env_int(environ, "ALUR_PUBLISH_LEASE_SECONDS", 120, minimum=30, maximum=3600),
        token_warning_days=env_int(environ, "ALUR_TOKEN_WARNING_DAYS", 3, minimum=1, maximum=60),
        backoff_seconds=env_int(environ, "ALUR_PUBLISH_BACKOFF_SECONDS", 30, minimum=1, maximum=3600),
    )


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    default_from: str


def parse_email(environ: Mapping[str, str]) -> EmailConfig:
    """SMTP when ``EMAIL_HOST`` is set, otherwise mail is written to the console log."""
    host = env_str(environ, "EMAIL_HOST", "")
    use_tls = env_bool(environ, "EMAIL_USE_TLS", False)
    use_ssl = env_bool(environ, "EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL are both on; choose one (TLS for port 587, SSL for 465).")
    default_backend = "django.core.mail.backends.smtp.EmailBackend" if host else "django.core.mail.backends.console.EmailBackend"
    return EmailConfig(
        backend=env_str(environ, "EMAIL_BACKEND", default_backend),
        host=host or "localhost",
        port=env_int(environ, "EMAIL_PORT", 25, minimum=1, maximum=65535),
        user=env_str(environ, "EMAIL_HOST_USER", ""),
        password=env_str(environ, "EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        default_from=env_str(environ, "DEFAULT_FROM_EMAIL", "Alur <alur@localhost>"),
    )


MEBIBYTE = 1024 * 1024
MEDIA_STORAGES = ("filesystem", "s3")
S3_VARIABLES = (
    "ALUR_S3_BUCKET",
    "ALUR_S3_ENDPOINT_URL",
    "ALUR_S3_REGION",
    "ALUR_S3_ACCESS_KEY_ID",
    "ALUR_S3_SECRET_ACCESS_KEY",
    "ALUR_S3_PUBLIC_URL",
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]")
_REGION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class S3Config:
    """An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, DigitalOcean Spaces, Wasabi…)."""

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    public_url: str | None = None

    def storage_options(self) -> dict[str, object]:
        """OPTIONS for django-storages' ``storages.backends.s3.S3Storage``.

        Files are private: without a public URL, links are signed and expire after an hour. With
        ``ALUR_S3_PUBLIC_URL`` (a CDN or custom domain in front of the bucket) links are plain URLs under it.
        Uploads never overwrite: Alur names every file itself.
        """
        options: dict[str, object] = {
            "bucket_name": self.bucket,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 3600,
            "default_acl": None,
        }
        if self.endpoint_url:
            options["endpoint_url"] = self.endpoint_url
        if self.region:
            options["region_name"] = self.region
        if self.access_key_id:
            options["access_key"] = self.access_key_id
            options["secret_key"] = self.secret_access_key
        if self.public_url:
            parts = urlsplit(self.public_url)
            options["custom_domain"] = parts.netloc + parts.path.rstrip("/")
            options["url_protocol"] = f"{parts.scheme}:"
        return options

    def origins(self) -> list[str]:
        """Where browsers fetch the files from, for the Content Security Policy."""
        if self.public_url:
            return [_origin(self.public_url)]
        if self.endpoint_url:
            endpoint = urlsplit(self.endpoint_url)
            # Virtual-hosted addressing puts the bucket in front of the endpoint's host name.
            return [_origin(self.endpoint_url), f"{endpoint.scheme}://{self.bucket}.{endpoint.netloc}"]
        region = self.region or "us-east-1"
        return [f"https://{self.bucket}.s3.amazonaws.com", f"https://{self.bucket}.s3.{region}.amazonaws.com"]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class MediaConfig:
    """The media library: upload limits and where files are kept."""

    max_image_mb: int = 20
    max_video_mb: int = 500
    storage: str = "filesystem"
    s3: S3Config | None = None

    @property
    def max_image_bytes(self) -> int:
        return self.max_image_mb * MEBIBYTE

    @property
    def max_video_bytes(self) -> int:
        return self.max_video_mb * MEBIBYTE

    def storage_setting(self) -> dict[str, object]:
        """Django's ``STORAGES["default"]``: the file system under MEDIA_ROOT, or the S3 bucket."""
        if self.s3 is not None:
            return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": self.s3.storage_options()}
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _optional_url(environ: Mapping[str, str], name: str, *, example: str) -> str | None:
    value = _raw(environ, name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"{name}={value!r} is not a web address; write it as {example}.")
    return value.rstrip("/")


def parse_media(environ: Mapping[str, str]) -> MediaConfig:
    """``ALUR_MEDIA_*`` and, for ``ALUR_MEDIA_STORAGE=s3``, the ``ALUR_S3_*`` variables."""
    max_image_mb = env_int(environ, "ALUR_MEDIA_MAX_IMAGE_MB", 20, minimum=1, maximum=1024)
    max_video_mb = env_int(environ, "ALUR_MEDIA_MAX_VIDEO_MB", 500, minimum=1, maximum=51200)
    storage = env_choice(environ, "ALUR_MEDIA_STORAGE", "filesystem", MEDIA_STORAGES)
    if storage == "filesystem":
        stray = [name for name in S3_VARIABLES if _raw(environ, name) is not None]
        if stray:
            raise ConfigError(
                f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} set but ALUR_MEDIA_STORAGE is 'filesystem'; "
                "set ALUR_MEDIA_STORAGE=s3 to keep media in the bucket, or remove the S3 variables."
            )
        return MediaConfig(max_image_mb=max_image_mb, max_video_mb=max_video_mb)
    bucket = _raw(environ, "ALUR_S3_BUCKET")
    if bucket is None:
        raise ConfigError("ALUR_MEDIA_STORAGE=s3 needs ALUR_S3_BUCKET, the name of the bucket to keep media in.")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ConfigError(
            f"ALUR_S3_BUCKET={bucket!r} is not a bucket name; use 3 to 63 lowercase letters, digits, dots, "
            "hyphens or underscores, starting and ending with a letter or digit."
        )
    region = _raw(environ, "ALUR_S3_REGION")
    if region is not None and not _REGION.fullmatch(region):
        raise ConfigError(f"ALUR_S3_REGION={region!r} is not a region name; write it as ap-southeast-3 (or auto).")
    access_key_id = _raw(environ, "ALUR_S3_ACCESS_KEY_ID")
    secret_access_key = _raw(environ, "ALUR_S3_SECRET_ACCESS_KEY")
    if (access_key_id is None) != (secret_access_key is None):
        given, missing = (
            ("ALUR_S3_ACCESS_KEY_ID", "ALUR_S3_SECRET_ACCESS_KEY")
            if access_key_id
            else ("ALUR_S3_SECRET_ACCESS_KEY", "ALUR_S3_ACCESS_KEY_ID")
        )
        raise ConfigError(
            f"{given} is set but {missing} is not; set both, or neither to use the machine's own credentials "
            "(an instance role or ~/.aws)."
        )
    return MediaConfig(
        max_image_mb=max_image_mb,
        max_video_mb=max_video_mb,
        storage=storage,
        s3=S3Config(
            bucket=bucket,
            endpoint_url=_optional_url(environ, "ALUR_S3_ENDPOINT_URL", example="https://s3.ap-southeast-3.amazonaws.com"),
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            public_url=_optional_url(environ, "ALUR_S3_PUBLIC_URL", example="https://media.example.com"),
        ),
    )


@dataclass(frozen=True)
class AlurConfig:
    """Everything Alur reads from its environment, already validated."""

    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database: DatabaseConfig
    time_zone: str
    language: str
    data_dir: Path
    email: EmailConfig
    warehouse_url: str
    secure_cookies: bool
    axes_failure_limit: int
    base_url: str
    media: MediaConfig = field(default_factory=MediaConfig)
    publishing: PublishingConfig = field(default_factory=PublishingConfig)


def load_config(environ: Mapping[str, str], *, base_dir: Path) -> AlurConfig:
    data_dir = Path(env_str(environ, "ALUR_DATA_DIR", str(base_dir / "var")))
    if not data_dir.is_absolute():
        data_dir = base_dir / data_dir
    database_url = env_str(environ, "DATABASE_URL", f"sqlite:///{data_dir / 'alur.sqlite3'}")
    database = parse_database_url(database_url)
    if database.is_sqlite and database.name != ":memory:" and not Path(database.name).is_absolute():
        database = DatabaseConfig(engine=database.engine, name=str(base_dir / database.name))
    secret_key = _raw(environ, "SECRET_KEY")
    if secret_key is None:
        secret_key = read_or_create_secret_key(data_dir / "secret_key")
    elif len(secret_key) < 32:
        raise ConfigError("SECRET_KEY is shorter than 32 characters; generate a long random value.")
    return AlurConfig(
        debug=env_bool(environ, "ALUR_DEBUG", False),
        secret_key=secret_key,
        allowed_hosts=env_list(environ, "ALLOWED_HOSTS", ["127.0.0.1", "localhost"]),
        csrf_trusted_origins=env_list(environ, "CSRF_TRUSTED_ORIGINS", []),
        database=database,
        time_zone=env_time_zone(environ, "ALUR_TIME_ZONE", "Asia/Jakarta"),
        language=env_choice(environ, "ALUR_LANGUAGE", "id", LANGUAGES),
        data_dir=data_dir,
        email=parse_email(environ),
        warehouse_url=env_str(environ, "WAREHOUSE_URL", f"duckdb://{data_dir / 'warehouse.duckdb'}"),
        secure_cookies=env_bool(environ, "ALUR_SECURE_COOKIES", False),
        axes_failure_limit=env_int(environ, "ALUR_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100),
        base_url=env_url(environ, "ALUR_BASE_URL", "http://127.0.0.1:8000"),
        media=parse_media(environ),
        publishing=parse_publishing(environ, data_dir),
    )
