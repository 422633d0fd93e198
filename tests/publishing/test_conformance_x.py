"""The X fake speaks the documented contract: the example requests and answers of X's own pages, replayed
against it as written there (pages read 2026-12-08). Ids differ from the examples; shapes and values that do
not depend on ids are compared.

* https://docs.x.com/x-api/posts/creation-of-a-post (``POST /2/tweets``), …/x-api-v2/tweets/manage-tweets (delete)
* https://docs.x.com/x-api/users/user-lookup-me (``GET /2/users/me``)
* https://docs.x.com/x-api/media/upload-media ("base64-encoded in JSON bodies, raw bytes in multipart bodies")
* https://docs.x.com/x-api/media/quickstart/media-upload-chunked (initialize → append → finalize → STATUS)
* https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code (refresh token request)
* https://docs.x.com/x-api/fundamentals/response-codes-and-errors (problem documents, 401, 403, 429)
* https://docs.x.com/x-api/fundamentals/rate-limits (``x-rate-limit-*`` headers)
* https://docs.x.com/x-api/getting-started/pricing (pay-per-use credits: 402)
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.publishing.fakes import x as fake

AUTH = {"Authorization": f"Bearer {fake.TOKEN}"}


@pytest.fixture
def platform() -> Iterator[fake.FakeX]:
    with fake.FakeX() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as http:
        yield http


def test_create_a_post_as_documented(platform: fake.FakeX, client: httpx.Client) -> None:
    # Request: {"text": "Hello World!"} — Response 201: {"data": {"id": "1445880548472328192", "text": "Hello World!",
    # "edit_history_tweet_ids": ["1445880548472328192"]}}
    answer = client.post(f"{platform.url}/2/tweets", json={"text": "Hello World!"}, headers=AUTH)
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["text"] == "Hello World!" and data["id"].isdigit() and data["edit_history_tweet_ids"] == [data["id"]]

    # Delete: 200 {"data": {"deleted": true}}
    deleted = client.delete(f"{platform.url}/2/tweets/{data['id']}", headers=AUTH)
    assert deleted.status_code == 200 and deleted.json() == {"data": {"deleted": True}}


def test_users_me_as_documented(platform: fake.FakeX, client: httpx.Client) -> None:
    # {"data": {"id": "2244994945", "name": "X Dev", "username": "TwitterDev"}}
    data = client.get(f"{platform.url}/2/users/me", headers=AUTH).json()["data"]
    assert set(data) == {"id", "name", "username"} and data["id"].isdigit()


@pytest.mark.parametrize("encoding", ["json-base64", "multipart-raw"])
def test_a_one_shot_image_upload_in_either_documented_body(platform: fake.FakeX, client: httpx.Client, encoding: str) -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    if encoding == "json-base64":
        answer = client.post(
            f"{platform.url}/2/media/upload",
            json={"media": base64.b64encode(image).decode(), "media_category": "tweet_image", "media_type": "image/png"},
            headers=AUTH,
        )
    else:
        answer = client.post(
            f"{platform.url}/2/media/upload",
            data={"media_category": "tweet_image", "media_type": "image/png"},
            files={"media": ("a.png", image, "image/png")},
            headers=AUTH,
        )
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["id"].isdigit() and data["media_key"].endswith(data["id"]) and data["size"] == len(image)
    assert isinstance(data["expires_after_secs"], int)


def test_the_chunked_upload_quickstart(platform: fake.FakeX, client: httpx.Client) -> None:
    video = bytes(range(256)) * 8
    init = client.post(
        f"{platform.url}/2/media/upload/initialize",
        json={"media_type": "video/mp4", "total_bytes": len(video), "media_category": "tweet_video"},
        headers=AUTH,
    )
    media_id = init.json()["data"]["id"]
    for index, start in enumerate(range(0, len(video), 1024)):
        appended = client.post(
            f"{platform.url}/2/media/upload/{media_id}/append",
            data={"segment_index": str(index)},
            files={"media": ("chunk", video[start : start + 1024], "application/octet-stream")},
            headers=AUTH,
        )
        assert appended.status_code == 200
    final = client.post(f"{platform.url}/2/media/upload/{media_id}/finalize", headers=AUTH).json()["data"]
    assert final["processing_info"]["state"] == "pending" and "check_after_secs" in final["processing_info"]
    states = []
    for _ in range(5):
        status = client.get(f"{platform.url}/2/media/upload", params={"command": "STATUS", "media_id": media_id}, headers=AUTH)
        states.append(status.json()["data"]["processing_info"]["state"])
        if states[-1] == "succeeded":
            break
    assert states[-1] == "succeeded" and set(states) <= {"pending", "in_progress", "succeeded"}


def test_the_documented_refresh_token_request(platform: fake.FakeX, client: httpx.Client) -> None:
    # POST https://api.x.com/2/oauth2/token, form refresh_token=…&grant_type=refresh_token&client_id=…
    answer = client.post(
        f"{platform.url}/2/oauth2/token",
        data={"refresh_token": fake.REFRESH_TOKEN, "grant_type": "refresh_token", "client_id": fake.CLIENT_ID},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 7200
    assert body["access_token"] and body["refresh_token"] and "offline.access" in body["scope"].split()


def test_the_documented_errors(platform: fake.FakeX, client: httpx.Client) -> None:
    # 401: invalid or missing credentials, as a problem document.
    unauthorized = client.post(f"{platform.url}/2/tweets", json={"text": "x"}, headers={"Authorization": "Bearer nope"})
    assert unauthorized.status_code == 401 and {"title", "detail", "type"} <= set(unauthorized.json())

    # 400: the invalid-request problem type with errors[].
    invalid = client.post(f"{platform.url}/2/tweets", json={}, headers=AUTH).json()
    assert invalid["type"].endswith("/2/problems/invalid-request") and invalid["errors"]

    # 403: valid auth but no permission (a token without media.write uploading media).
    platform.scopes[fake.TOKEN] = frozenset({"tweet.read", "tweet.write", "users.read"})
    forbidden = client.post(
        f"{platform.url}/2/media/upload", json={"media": "AA==", "media_category": "tweet_image"}, headers=AUTH
    )
    assert forbidden.status_code == 403 and forbidden.json()["title"] == "Forbidden"
    platform.scopes.clear()

    # 429 rate limit: the x-rate-limit-* headers, reset in epoch seconds.
    platform.rate_limit_reset = int(time.time()) + 900
    limited = client.post(f"{platform.url}/2/tweets", json={"text": "y"}, headers=AUTH)
    assert limited.status_code == 429 and limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) == platform.rate_limit_reset
    platform.rate_limit_reset = None

    # 429 usage cap: the usage-capped problem, without a reset.
    platform.usage_capped = True
    capped = client.post(f"{platform.url}/2/tweets", json={"text": "z"}, headers=AUTH)
    assert capped.status_code == 429 and capped.json()["type"].endswith("/2/problems/usage-capped")
    assert capped.json()["title"] == "UsageCapExceeded" and "x-rate-limit-reset" not in capped.headers
    platform.usage_capped = False

    # 402: pay-per-use credits used up.
    platform.credits = 0
    assert client.post(f"{platform.url}/2/tweets", json={"text": "w"}, headers=AUTH).status_code == 402
