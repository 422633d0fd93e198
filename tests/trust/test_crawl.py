"""Every page reachable from the workspace home, as each of the twelve roles, on the (enriched) demo workspace:
no page answers with a server error, and an outside person (client, contractor) is never shown a link to
something they may not open, nor an API list entry whose own detail endpoint refuses them."""

from __future__ import annotations

import json
import random
import re
import time
import traceback
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client

from alur.core.roles import OUTSIDE_ROLES, Role
from tests.trust.conftest import SUMMARY, DemoWorld

PER_PATTERN = 2  # instances of one URL pattern (ids and query values left out) fetched and followed per role
SKIP = re.compile(r"^/(accounts/logout|static/|admin/)")
DOWNLOAD = re.compile(r"(export|download|\.csv|\.xlsx|\.ics|/feed)", re.IGNORECASE)
DETAIL = re.compile(r"/\d+(/|$)")  # a path naming an object by its id
HTML_TYPES = ("text/html",)


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or name == "hx-get"):
                self.links.append(value)


def same_site(base: str, link: str) -> str | None:
    link = link.strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")) or "{" in link:
        return None
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if SKIP.match(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pattern(url: str, *, with_values: bool = False) -> str:
    """The URL with ids in its path normalised and only the names of its query parameters (/w/demo/content/N/?tab),
    or their values too with numbers normalised (/w/demo/publishing/?tab=failed)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}(?=/|$)", "/U", path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "export" in query or DOWNLOAD.search(parts.path):  # one download per page and format
        return f"{path}?export={query.get('export', '')}"
    if with_values:
        return path + ("?" + "&".join(f"{k}={re.sub(r'[0-9]+', 'N', v)}" for k, v in sorted(query.items())) if query else "")
    return path + ("?" + "&".join(sorted(query)) if query else "")


@dataclass
class Finding:
    role: str
    url: str
    status: int
    problem: str
    found_on: str

    def __str__(self) -> str:
        return f"{self.role:24} {self.status} {self.url}  ({self.problem}; linked from {self.found_on})"


@dataclass
class CrawlResult:
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)


def fetch(client: Client, url: str, **headers: Any) -> tuple[int, Any, str]:
    """The answer to a GET (savepoint around it: a failed request leaves the transaction usable)."""
    try:
        with transaction.atomic():
            response = client.get(url, **headers)
            transaction.set_rollback(True)  # a GET changes nothing that the next page should see
        return response.status_code, response, ""
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "/alur/" in f.filename), "")
        return 500, None, f"{type(error).__name__}: {str(error)[:160]} at {where}"


def crawl(world: DemoWorld, role: Role) -> CrawlResult:
    start_time, start_cpu = time.monotonic(), time.process_time()
    client = Client()
    client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
    start = f"/w/{world.workspace.slug}/"
    result = CrawlResult()
    queue: list[tuple[str, str]] = [(start, "(start)")]
    seen: set[str] = {start}
    per_pattern: Counter[str] = Counter()
    outside = role in OUTSIDE_ROLES
    shuffle = random.Random(role.value)
    turn = list(Role).index(role)
    while queue:
        url, found_on = queue.pop(0)
        key = pattern(url, with_values=outside)  # outside roles see few pages: every tab and filter of them
        download = "?export=" in key
        if download and key in DOWNLOADED:
            continue
        limit = 1 if download or key in SLOW else PER_PATTERN
        must_open = outside and DETAIL.search(urlsplit(url).path)
        if per_pattern[key] >= limit and not must_open:
            continue
        if key in SLOW and not outside and (zlib.crc32(key.encode()) + turn) % SLOW_SHARE:
            continue  # another internal role fetches this slow page
        per_pattern[key] += 1
        if download:
            DOWNLOADED.add(key)
        began = time.process_time()
        status, response, error = fetch(client, url)
        if time.process_time() - began > SLOW_SECONDS:
            SLOW.add(key)
        result.pages += 1
        if status >= 500:
            result.findings.append(Finding(role.value, url, status, error or "server error", found_on))
            continue
        if outside and must_open and status in (403, 404):
            result.findings.append(Finding(role.value, url, status, "linked but refused", found_on))
        if per_pattern[key] > limit:
            continue  # fetched only to check that it opens
        if status in (301, 302, 303, 307, 308):
            target = same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if status != 200 or not response.get("Content-Type", "").startswith(HTML_TYPES):
            continue
        parser = LinkParser()
        parser.feed(response.content.decode("utf-8", "replace"))
        shuffle.shuffle(parser.links)  # each role follows other instances of a pattern: together they see more
        for link in parser.links:
            target = same_site(url, link)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
    result.seconds, result.cpu_seconds = time.monotonic() - start_time, time.process_time() - start_cpu
    return result


SLOW_SECONDS = 0.3  # a page pattern this slow is fetched once per role from then on (another instance per role),
SLOW_SHARE = 3  # and by one internal role in three (outside roles always fetch everything)
SLOW: set[str] = set()
DOWNLOADED: set[str] = set()  # exports are fetched once in the whole crawl, by the first role that sees them


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_page_opens_for_every_role(demo_world: DemoWorld, role: Role) -> None:
    result = crawl(demo_world, role)
    SUMMARY.append(f"crawl {role.value}: {result.pages} pages in {result.seconds:.1f}s ({result.cpu_seconds:.1f}s of CPU)")
    assert result.pages > 20, "the crawl reached the workspace's pages"
    assert not result.findings, "\n" + "\n".join(str(finding) for finding in result.findings)


def api_lists(world: DemoWorld) -> list[tuple[str, str]]:
    """(list path, its detail path template) for every API list whose entries have a detail endpoint."""
    document = json.loads((Path(__file__).parents[2] / "src/alur/api/openapi.json").read_text())
    paths = document["paths"]
    pairs = []
    for path, operations in paths.items():
        if "get" not in operations or path.count("{") != 1:
            continue
        for other, other_operations in paths.items():
            match = re.fullmatch(re.escape(path) + r"/\{(\w+_id)\}", other)
            if match and "get" in other_operations:
                pairs.append((path.replace("{slug}", world.workspace.slug), other.replace("{slug}", world.workspace.slug)))
    return pairs


def ids_in(payload: Any) -> list[int]:
    entries = payload.get("items", payload.get("results", [])) if isinstance(payload, dict) else payload
    return [entry["id"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), int)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(OUTSIDE_ROLES), ids=sorted(role.value for role in OUTSIDE_ROLES))
def test_outside_people_open_every_entry_of_every_api_list(demo_world: DemoWorld, role: Role) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {demo_world.tokens[role]}"}
    client = Client()
    pairs = api_lists(demo_world)
    assert len(pairs) >= 5, pairs
    findings: list[str] = []
    checked: defaultdict[str, int] = defaultdict(int)
    for list_path, detail_template in pairs:
        status, response, error = fetch(client, list_path, **headers)
        if status >= 500:
            findings.append(f"{status} {list_path}: {error}")
            continue
        if status != 200:
            continue  # a list the role may not read at all
        for pk in ids_in(response.json()):
            detail = re.sub(r"\{\w+_id\}", str(pk), detail_template)
            detail_status, _, error = fetch(client, detail, **headers)
            checked[list_path] += 1
            if detail_status != 200:
                findings.append(f"{detail_status} {detail} (listed in {list_path}) {error}")
    SUMMARY.append(f"api {role.value}: " + ", ".join(f"{path.rsplit('/', 1)[-1]} {n}" for path, n in checked.items()))
    assert not findings, "\n" + "\n".join(findings)
