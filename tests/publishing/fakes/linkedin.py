"""A fake of LinkedIn's versioned REST API (Posts, Images, organizations, userinfo, OAuth refresh) on FakeServer.

It speaks the documented contract: ``LinkedIn-Version`` and ``X-Restli-Protocol-Version: 2.0.0`` headers,
Bearer tokens, ``x-restli-id`` on a created post, ``X-RestLi-Method`` on finder and delete calls, and LinkedIn's
error body ``{"status", "serviceErrorCode", "code", "message"}``.

Versions (read 2026-12-07): https://learn.microsoft.com/en-us/linkedin/marketing/versioning says each monthly
version is supported for at least one year and then sunset, and a call with a sunset ``LinkedIn-Version``
is refused with HTTP 426; https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations lists
the sunset dates. :data:`SUNSET` is that table (its own copy, so that the fake does not simply agree with
Alur's facts module); the fake refuses a version on or after its sunset date, and a version from the future.

Posts (read 2026-12-07): https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
and .../multiimage-post-api (2 to 20 images); a video is a ``urn:li:video:`` from the Videos API, which this
fake does not offer, so a post whose media is not an uploaded image is refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .server import FakeServer, Reply, Request

TOKEN = "li-access-token"
REFRESH_TOKEN = "li-refresh-token"
CLIENT_ID = "li-client"
CLIENT_SECRET = "li-secret"
ORG = "urn:li:organization:5515715"
PERSON = "urn:li:person:abc123"

# Sunset dates from the migrations page (202510's from the versioning page's notice).
SUNSET: dict[str, dt.date] = {
    "202410": dt.date(2025, 10, 15),
    "202411": dt.date(2025, 11, 17),
    "202510": dt.date(2026, 10, 15),
}


def error(status: int, message: str, *, code: str = "", service_code: int | None = None, **extra: Any) -> Reply:
    body: dict[str, Any] = {"status": status, "message": message, **extra}
    if code:
        body["code"] = code
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return Reply(status, body)


@dataclass
class FakeLinkedIn:
    server: FakeServer = field(default_factory=FakeServer)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    revoked: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=lambda: {REFRESH_TOKEN})
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[str, dict[str, Any]] = field(default_factory=dict)  # urn -> {"owner", "data"}
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(7_100_000_000_000_000_001))
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        route = self.server.route
        route("POST", r"/rest/images")(self.initialize_upload)
        route("PUT", r"/dms-uploads/(?P<token>[\w-]+)")(self.upload)
        route("POST", r"/rest/posts")(self.create_post)
        route("GET", r"/rest/posts")(self.find_posts)
        route("DELETE", r"/rest/posts/(?P<urn>[^/]+)")(self.delete_post)
        route("GET", r"/rest/organizations/(?P<id>\d+)")(self.organization)
        route("GET", r"/v2/userinfo")(self.userinfo)
        route("POST", r"/oauth/v2/accessToken")(self.access_token)

    def __enter__(self) -> FakeLinkedIn:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    # -- checks every versioned call makes
    def check(self, request: Request, *, versioned: bool = True) -> Reply | None:
        auth = request.header("Authorization")
        if not auth.startswith("Bearer "):
            return error(401, "Empty oauth2_access_token", service_code=401)
        token = auth.removeprefix("Bearer ")
        if token in self.revoked:
            return error(
                401, "The token used in the request has been revoked by the user", code="REVOKED_ACCESS_TOKEN", service_code=65601
            )
        if token not in self.tokens:
            return error(401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_code=65600)
        if versioned:
            version = request.header("LinkedIn-Version")
            if not version:
                return error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.")
            if not re.fullmatch(r"20\d{4}", version):
                return error(426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION")
            sunset = SUNSET.get(version)
            if sunset is not None and self.today >= sunset:
                return error(426, f"Requested version {version} is not active", code="VERSION_MISSING")
            if (int(version[:4]), int(version[4:])) > (self.today.year, self.today.month):
                return error(426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION")
            if request.header("X-Restli-Protocol-Version") != "2.0.0":
                return error(400, "Rest.li protocol 2.0.0 is required", code="ILLEGAL_ARGUMENT")
        return None

    # -- Images API
    def initialize_upload(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if request.query.get("action") != ["initializeUpload"]:
            return error(400, "Unsupported action")
        owner = ((request.json() or {}).get("initializeUploadRequest") or {}).get("owner")
        if not owner or not str(owner).startswith(("urn:li:organization:", "urn:li:person:")):
            return error(
                422,
                "ERROR :: /initializeUploadRequest/owner :: field is required but not found and has no default value",
                code="UNPROCESSABLE_ENTITY",
            )
        number = next(self.counter)
        urn = f"urn:li:image:C4E10AQ{number}"
        self.images[urn] = {"owner": owner, "data": None, "token": str(number)}
        return Reply(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": 1_900_000_000_000,
                    "uploadUrl": f"{self.url}/dms-uploads/{number}",
                    "image": urn,
                }
            },
        )

    def upload(self, request: Request) -> Reply:
        if refused := self.check(request, versioned=False):
            return refused
        token = request.match.group("token") if request.match else ""
        for image in self.images.values():
            if image["token"] == token:
                image["data"] = request.body
                return Reply(201)
        return Reply(404, "upload URL not found")

    # -- Posts API
    def create_post(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        body = request.json() or {}
        for name in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return error(
                    422,
                    f"ERROR :: /{name} :: field is required but not found and has no default value",
                    code="UNPROCESSABLE_ENTITY",
                    errorDetails={
                        "inputErrors": [{"description": f"/{name} is required", "input": {"inputPath": {"fieldPath": name}}}]
                    },
                )
        if body["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"):
            return error(422, "Invalid visibility", code="UNPROCESSABLE_ENTITY")
        if len(body["commentary"]) > 3000:
            return error(422, "/commentary :: length must be at most 3000", code="UNPROCESSABLE_ENTITY")
        content = body.get("content") or {}
        refs = []
        if "media" in content:
            refs = [content["media"].get("id")]
        elif "multiImage" in content:
            refs = [image.get("id") for image in content["multiImage"].get("images", [])]
            if not 2 <= len(refs) <= 20:
                return error(422, "A MultiImage post takes 2 to 20 images", code="UNPROCESSABLE_ENTITY")
        elif "article" in content and not (content["article"].get("source") and content["article"].get("title")):
            return error(422, "/content/article :: source and title are required", code="UNPROCESSABLE_ENTITY")
        for ref in refs:
            image = self.images.get(ref or "")
            if image is None or image["data"] is None:
                return error(422, f"Image {ref} is not uploaded", code="UNPROCESSABLE_ENTITY")
            if image["owner"] != body["author"]:
                return error(403, f"Image {ref} is not owned by the author", code="ACCESS_DENIED", service_code=100)
        urn = f"urn:li:share:{next(self.counter)}"
        self.posts[urn] = {"id": urn, **body}
        return Reply(201, b"", headers={"x-restli-id": urn, "Location": f"/rest/posts/{urn}"})

    def find_posts(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if request.header("X-RestLi-Method") != "FINDER" or request.query.get("q") != ["author"]:
            return error(400, "Invalid finder request", code="ILLEGAL_ARGUMENT")
        author = (request.query.get("author") or [""])[0]
        count = int((request.query.get("count") or ["10"])[0])
        elements = [post for post in reversed(list(self.posts.values())) if post["author"] == author][:count]
        return Reply(200, {"paging": {"start": 0, "count": count, "links": []}, "elements": elements})

    def delete_post(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        if request.header("X-RestLi-Method") != "DELETE":
            return error(400, "X-RestLi-Method: DELETE is required", code="ILLEGAL_ARGUMENT")
        urn = unquote(request.match.group("urn") if request.match else "")
        if self.posts.pop(urn, None) is None:
            return error(404, f"Post {urn} not found", code="NOT_FOUND")
        return Reply(204)

    def organization(self, request: Request) -> Reply:
        if refused := self.check(request):
            return refused
        org_id = request.match.group("id") if request.match else ""
        return Reply(200, {"id": int(org_id), "localizedName": "Kopi Kita", "vanityName": "kopikita"})

    def userinfo(self, request: Request) -> Reply:
        if refused := self.check(request, versioned=False):
            return refused
        return Reply(200, {"sub": "abc123", "name": "Sari Wulandari", "email_verified": True})

    # -- OAuth
    def access_token(self, request: Request) -> Reply:
        form = {key: values[0] for key, values in request.form().items()}
        if request.header("Content-Type") != "application/x-www-form-urlencoded":
            return Reply(400, {"error": "invalid_request", "error_description": "Content-Type must be form-urlencoded"})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Reply(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.refresh_tokens:
            return Reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked",
                },
            )
        new = f"li-access-{next(self.counter)}"
        self.tokens.add(new)
        # LinkedIn keeps the same refresh token (its TTL keeps counting down) and says how long it lives.
        return Reply(
            200,
            {
                "access_token": new,
                "expires_in": 5_184_000,
                "refresh_token": form["refresh_token"],
                "refresh_token_expires_in": 31_103_999,
                "scope": "w_organization_social,r_organization_social",
            },
        )
