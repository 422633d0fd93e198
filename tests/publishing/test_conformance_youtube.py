"""The YouTube fake speaks the documented contract: the example exchanges of Google's own pages, replayed
against it as written there (pages read 2026-12-08).

* https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol — steps 1 to 4 (start a
  session with ``part=snippet,status,contentDetails``, upload, ask the status, resume)
* https://developers.google.com/youtube/v3/docs/videos/insert and …/docs/videos/delete
* https://developers.google.com/youtube/v3/docs/errors — the error envelope, ``quotaExceeded``
* https://developers.google.com/youtube/v3/determine_quota_cost — videos.insert's own bucket
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.publishing.fakes.youtube import TOKEN, YouTubeFake

GUIDE = "https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SIZE = 3000  # the guide uploads 3,000,000 bytes; the same steps with fewer

# Step 1 of the guide, as printed: the request body is the guide's example video resource.
GUIDE_RESOURCE = {
    "snippet": {
        "title": "My video title",
        "description": "This is a description of my video",
        "tags": ["cool", "video", "more keywords"],
        "categoryId": 22,
    },
    "status": {"privacyStatus": "public", "embeddable": True, "license": "youtube"},
}


@pytest.fixture
def youtube() -> Iterator[YouTubeFake]:
    with YouTubeFake() as fake:
        yield fake


def start(url: str, client: httpx.Client) -> httpx.Response:
    return client.post(
        f"{url}/upload/youtube/v3/videos",
        params={"uploadType": "resumable", "part": "snippet,status,contentDetails"},
        json=GUIDE_RESOURCE,
        headers={
            **AUTH,
            "Content-Type": "application/json; charset=UTF-8",
            "X-Upload-Content-Length": str(SIZE),
            "X-Upload-Content-Type": "video/*",
        },
    )


def test_the_guides_resumable_upload_replays_step_by_step(youtube: YouTubeFake) -> None:
    with httpx.Client(timeout=5) as client:
        # Step 1: "HTTP/1.1 200 OK / Location: https://www.googleapis.com/upload/youtube/v3/videos?uploadType=
        # resumable&upload_id=xa298sd_f&part=snippet,status,contentDetails / Content-Length: 0"
        opened = start(youtube.url, client)
        assert opened.status_code == 200 and opened.content == b""
        location = urlsplit(opened.headers["Location"])
        assert location.path == "/upload/youtube/v3/videos"
        query = parse_qs(location.query)
        assert query["uploadType"] == ["resumable"] and query["upload_id"][0]
        assert query["part"] == ["snippet,status,contentDetails"]
        session = opened.headers["Location"]

        # Step 2, cut short after 1,000 bytes, then step 3: "PUT UPLOAD_URL / Content-Length: 0 /
        # Content-Range: bytes */CONTENT_LENGTH" → "308 Resume Incomplete / Range: bytes=0-999999".
        data = bytes(index % 251 for index in range(SIZE))
        first = client.put(
            session, content=data[:1000], headers={**AUTH, "Content-Range": f"bytes 0-999/{SIZE}", "Content-Type": "video/*"}
        )
        assert first.status_code == 308
        status = client.put(session, content=b"", headers={**AUTH, "Content-Length": "0", "Content-Range": f"bytes */{SIZE}"})
        assert status.status_code == 308 and status.headers["Range"] == "bytes=0-999"

        # Step 4: "Content-Range: bytes 1000000-2999999/3000000" → the video resource.
        done = client.put(session, content=data[1000:], headers={**AUTH, "Content-Range": f"bytes 1000-{SIZE - 1}/{SIZE}"})
        assert done.status_code in (200, 201)
        video = done.json()
        assert video["kind"] == "youtube#video" and video["id"]
        assert video["snippet"]["title"] == "My video title"
        assert video["status"]["uploadStatus"] == "uploaded"

        # videos.delete: "If successful, this method returns an HTTP 204 response code (No Content)."
        deleted = client.delete(f"{youtube.url}/youtube/v3/videos", params={"id": video["id"]}, headers=AUTH)
        assert deleted.status_code == 204


def test_the_documented_error_envelope_and_quota_exceeded(youtube: YouTubeFake) -> None:
    youtube.insert_quota = 1
    with httpx.Client(timeout=5) as client:
        assert start(youtube.url, client).status_code == 200
        refused = start(youtube.url, client)
    # errors page: 403 forbidden (403) quotaExceeded "The request cannot be completed because you have exceeded
    # your quota." in the standard envelope {"error": {"code", "message", "errors": [{"domain", "reason", …}]}}
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == 403
    assert error["message"] == "The request cannot be completed because you have exceeded your quota."
    assert error["errors"][0]["reason"] == "quotaExceeded" and error["errors"][0]["domain"] == "youtube.quota"


def test_an_unknown_part_is_refused_as_the_api_does(youtube: YouTubeFake) -> None:
    with httpx.Client(timeout=5) as client:
        response = client.post(
            f"{youtube.url}/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,bogus"},
            json=GUIDE_RESOURCE,
            headers={**AUTH, "X-Upload-Content-Length": str(SIZE), "X-Upload-Content-Type": "video/mp4"},
        )
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["reason"] == "unexpectedPart"
