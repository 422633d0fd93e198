"""The API fuzzed against its own OpenAPI document (schemathesis), as the demo workspace's manager with a write
token: no operation answers with a server error, and every answer has a documented status code and matches
its documented schema. Run on the SQLite pass of ``make test`` only (the API code is the same on both
databases; the crawl covers PostgreSQL), with a few examples per operation so it stays within CI time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from alur.core.roles import Role
from tests.trust.conftest import SUMMARY, DemoWorld

EXAMPLES = int(os.environ.get("ALUR_FUZZ_EXAMPLES", "12"))  # per operation
DOCUMENT = Path(__file__).parents[2] / "src/alur/api/openapi.json"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

schema = schemathesis.openapi.from_path(str(DOCUMENT))
schema.app = WSGIHandler()
STATS = {"cases": 0, "operations": 0}


@pytest.fixture(scope="module", autouse=True)
def fuzz_summary() -> Iterator[None]:
    started = time.monotonic()
    yield
    if STATS["cases"]:
        SUMMARY.append(
            f"API fuzz: {STATS['cases']} cases over {STATS['operations']} operations in {time.monotonic() - started:.0f}s"
        )


@pytest.fixture(autouse=True)
def count_operation() -> None:
    STATS["operations"] += 1


def aim(case: schemathesis.Case) -> None:
    """Aim at the demo workspace and, half of the time, at ids that exist in it (the rest stay as generated)."""
    if case.path_parameters:
        if "slug" in case.path_parameters:
            case.path_parameters["slug"] = "demo"
        for name, value in case.path_parameters.items():
            if (name.endswith("_id") or name == "number") and isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = value % 12 + 1


@pytest.mark.skipif(ON_POSTGRES, reason="the API fuzz runs once per `make test`, on the SQLite pass")
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_to_its_document(case: schemathesis.Case, demo_world: DemoWorld) -> None:
    STATS["cases"] += 1
    aim(case)
    headers = {"Authorization": f"Bearer {demo_world.tokens[Role.MANAGER]}"}
    response = case.call(headers=headers, base_url="http://testserver")
    case.validate_response(
        response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance], headers=headers
    )
