"""Settings for the test suite: the real settings, with tasks run inline and a fast password hasher."""

from alur.config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Argon2 is deliberately slow; tests that check hashing read the production list from alur.config.settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5

# The warehouse: a DuckDB file of this test process (tests/analytics/conftest.py gives each analytics test its
# own, or PostgreSQL when the suite runs on PostgreSQL).
import tempfile as _tempfile  # noqa: E402

WAREHOUSE_URL = f"duckdb://{_tempfile.mkdtemp(prefix='alur-test-warehouse-')}/warehouse.duckdb"
