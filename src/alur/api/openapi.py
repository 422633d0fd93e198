"""The checked-in OpenAPI document: ``--write`` regenerates it, ``--check`` fails when it is stale.

An accidental change to the API shows up as a failing check (and test) instead of surprising clients.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")


def current_schema_text() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alur.config.settings")
    import django

    django.setup()
    from alur.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = current_schema_text()
    if args.write:
        SNAPSHOT.write_text(text)
        print(f"wrote {SNAPSHOT}")  # noqa: T201
        return 0
    if not SNAPSHOT.exists() or SNAPSHOT.read_text() != text:
        print(f"{SNAPSHOT} is out of date with the API; run 'make openapi' and commit the result.", file=sys.stderr)  # noqa: T201
        return 1
    print("OpenAPI snapshot is up to date.")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
