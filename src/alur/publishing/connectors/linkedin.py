"""LinkedIn: posts for a member or an organization page through the versioned REST Posts API.

Documentation followed (Marketing / Community Management APIs, versioned ``/rest`` endpoints):

* Posts API — https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
* Images API — https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
* MultiImage posts — https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api
* little text format (commentary) —
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
* Refresh tokens — https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
* Error handling — https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
* Rate limits — https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits

How a post goes out:

1. Every request carries ``Authorization: Bearer <access_token>``, ``LinkedIn-Version: YYYYMM`` (setting
   ``api_version``, default :data:`DEFAULT_VERSION`, kept with its sunset date in
   :mod:`alur.content.platform_facts`) and ``X-Restli-Protocol-Version: 2.0.0``. A sunset version answers
   426 on every call (https://learn.microsoft.com/en-us/linkedin/marketing/versioning).
2. Each image: ``POST /rest/images?action=initializeUpload`` with ``{"initializeUploadRequest": {"owner":
   <author URN>}}`` answers ``{"value": {"uploadUrl", "image"}}``; the bytes are then ``PUT`` to ``uploadUrl``.
3. ``POST /rest/posts`` with ``author``, ``commentary`` (little text: reserved characters escaped, hashtags and
   URLs kept), ``visibility: PUBLIC``, ``distribution.feedDistribution: MAIN_FEED``, ``lifecycleState:
   PUBLISHED`` and ``content.media`` (one image), ``content.multiImage`` (2–20 images) or ``content.article``
   (the link, when there is no image). LinkedIn answers ``201`` with the post URN in the ``x-restli-id``
   header; the post's address is ``https://www.linkedin.com/feed/update/<urn>``.

Unpublish: ``DELETE /rest/posts/{url-encoded urn}`` (with ``X-RestLi-Method: DELETE``).

Reconciliation (:meth:`LinkedInConnector.find`) is **best effort**: LinkedIn takes no idempotency key, so
Alur reads the author's latest posts (``GET /rest/posts?author=<urn>&q=author&count=20``, ``X-RestLi-Method:
FINDER``) and matches the commentary it would have sent. Reading posts needs ``r_organization_social`` for a
page (granted with the Community Management product that allows page posting) but the private
``r_member_social`` for a member; so ``can_find()`` is true for organization authors, and for member authors
only when the ``member_posts_readable`` setting says the app has that permission.

Rate limits: LinkedIn's rate-limit page says standard per-endpoint quotas are *not* published (each app sees
its own in the Developer Portal's Analytics tab) and that daily counters reset at midnight UTC. The declared
150 posts per member per day is the commonly cited member cap for creating posts, not a number found on that
page; treat it as an upper bound. A 429 without ``Retry-After`` on a daily quota ("... DAY limit ...") is
retried after the next midnight UTC.

Not supported: video and document posts (Videos / Documents APIs), link-preview thumbnails for article posts
(the Posts API does not scrape links; an article is posted without a thumbnail), @mentions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from alur.content.platform_facts import LINKEDIN_VERSION

from .base import (
    AuthError,
    Capabilities,
    Connector,
    OutcomeUnknown,
    Payload,
    PermanentError,
    Published,
    RateLimit,
    RateLimited,
    TokenSet,
    TransientError,
    gettext_noop,
    parse_retry_after,
)

DEFAULT_BASE_URL = "https://api.linkedin.com"
DEFAULT_OAUTH_URL = "https://www.linkedin.com"
DEFAULT_VERSION = LINKEDIN_VERSION  # one place: alur.content.platform_facts, with its sunset date
POSTS_DOCS = "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api"
RATE_LIMIT_DOCS = "https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits"
MAX_COMMENTARY = 3000
MAX_IMAGES = 20  # MultiImage: 2 to 20 images
REVOKED_CODES = {65601}
# little text: characters with a meaning in the format; escaped with a backslash to stay plain text.
_RESERVED = set("\\|{}@[]()<>#*_~")
_URL = re.compile(r"https?://\S+")
_HASHTAG = re.compile(r"#(?=\w)")


def escape_little_text(text: str) -> str:
    """Escape little-text reserved characters, leaving URLs (so they link) and ``#hashtags`` (so they tag)."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    result: list[str] = []
    for index, char in enumerate(text):
        if char == "#" and _HASHTAG.match(text, index):
            result.append(char)
        elif char in _RESERVED:
            result.append("\\" + char)
        else:
            result.append(char)
    return "".join(result)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _normalise(text: str) -> str:
    return " ".join(_unescape(text).split())


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}"


class LinkedInConnector(Connector):
    key = "linkedin"
    label = "LinkedIn"
    capabilities = Capabilities(
        media_types=frozenset({"image"}),
        max_media=MAX_IMAGES,
        max_text=MAX_COMMENTARY,
        can_delete=True,
        can_find=True,  # best effort, organization authors (or members with r_member_social): see can_find()
        idempotency_key=False,
        refreshes_tokens=True,
        # LinkedIn publishes no per-endpoint numbers (Developer Portal only); 150 posts per member per day is the
        # commonly cited member cap for creating posts. Counters reset at midnight UTC.
        rate_limits=(RateLimit(150, 24 * 3600, source=RATE_LIMIT_DOCS),),
        docs=POSTS_DOCS,
    )
    fields = (
        ("author", gettext_noop("Author URN (urn:li:organization:123 or urn:li:person:abc)"), False, True),
        ("api_version", f"LinkedIn API version, YYYYMM (default {DEFAULT_VERSION})", False, False),
        ("member_posts_readable", gettext_noop("App has r_member_social (lets Alur check a member's posts)"), False, False),
        ("access_token", gettext_noop("Access token"), True, True),
        ("refresh_token", gettext_noop("Refresh token"), True, False),
        ("client_id", gettext_noop("Client ID (for token refresh)"), True, False),
        ("client_secret", gettext_noop("Client secret (for token refresh)"), True, False),
    )

    # -- plumbing
    @property
    def base_url(self) -> str:
        return str(self.account.setting("base_url", DEFAULT_BASE_URL)).rstrip("/")

    @property
    def author(self) -> str:
        author = str(self.account.setting("author", "")).strip()
        if not re.fullmatch(r"urn:li:(organization|person):[^\s]+", author):
            raise PermanentError(
                "The LinkedIn account needs an author: urn:li:organization:<id> for a page or urn:li:person:<id> "
                "for a member. Add it in the account settings."
            )
        return author

    def headers(self, **extra: str) -> dict[str, str]:
        token = self.account.secret("access_token")
        if not token:
            raise AuthError("The LinkedIn account has no access token. Reconnect the account.")
        return {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": str(self.account.setting("api_version", DEFAULT_VERSION) or DEFAULT_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
            **extra,
        }

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self.classify(response)

    def classify(self, response: httpx.Response) -> Exception:
        status = response.status_code
        data = _json(response)
        message = _linkedin_message(data) or self.error_message(response)
        detail = f"HTTP {status}: {response.text[:1500]}"
        code = str(data.get("code", "")) if isinstance(data, dict) else ""
        service_code = data.get("serviceErrorCode") if isinstance(data, dict) else None
        if status == 401:
            revoked = code == "REVOKED_ACCESS_TOKEN" or service_code in REVOKED_CODES
            reason = "was revoked" if revoked else "has expired or is invalid"
            return AuthError(
                f"LinkedIn refused the account's token: it {reason} ({message}). Reconnect the account.",
                status=status,
                detail=detail,
                revoked=revoked,
            )
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None and "DAY" in message.upper():
                retry_after = _seconds_to_midnight_utc()
            return RateLimited(
                f"LinkedIn's rate limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after,
            )
        if status == 403:
            return PermanentError(
                f"LinkedIn refused the request: the connected account lacks permission ({message}). Check that it "
                "is an admin of the page and that the app has the posting permission.",
                status=status,
                detail=detail,
            )
        if status == 426:
            return PermanentError(
                f"LinkedIn no longer accepts the API version Alur sent ({message}); a sunset version is refused on "
                "every call. Clear the account's API version setting or update Alur.",
                status=status,
                detail=detail,
            )
        if status == 408 or status >= 500:
            return TransientError(
                f"LinkedIn had a temporary error ({status}); Alur will try again.", status=status, detail=detail
            )
        return PermanentError(f"LinkedIn refused the post: {message}", status=status, detail=detail)

    # -- the contract
    def can_find(self) -> bool:
        author = str(self.account.setting("author", ""))
        if author.startswith("urn:li:organization:"):
            return True
        return author.startswith("urn:li:person:") and bool(self.account.setting("member_posts_readable"))

    def commentary(self, payload: Payload) -> str:
        text = payload.body()
        if payload.link and payload.media and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        return escape_little_text(text)

    def publish(self, payload: Payload) -> Published:
        author = self.author
        images = [m for m in payload.media if m.kind == "image"]
        if len(images) != len(payload.media):
            raise PermanentError("LinkedIn posts from Alur take images only; remove the video or post it by hand.")
        if len(images) > MAX_IMAGES:
            raise PermanentError(f"LinkedIn takes at most {MAX_IMAGES} images in one post.")
        commentary = self.commentary(payload)
        if len(commentary) > MAX_COMMENTARY:
            raise PermanentError(f"The text is too long for LinkedIn (at most {MAX_COMMENTARY} characters).")
        body: dict[str, Any] = {
            "author": author,
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        urns = [self.upload_image(author, image.read()) for image in images]
        if len(urns) == 1:
            body["content"] = {"media": {"id": urns[0]}}
        elif urns:
            body["content"] = {"multiImage": {"images": [{"id": urn, "altText": ""} for urn in urns]}}
        elif payload.link:
            article: dict[str, Any] = {"source": payload.link, "title": payload.title or payload.link}
            body["content"] = {"article": article}
        try:
            response = self.request(
                "POST", f"{self.base_url}/rest/posts", json=body, headers=self.headers(**{"Content-Type": "application/json"})
            )
        except TransientError as error:
            if error.status == 504 and not isinstance(error, OutcomeUnknown):
                # A gateway timeout on a create may still have created the post: reconcile before retrying.
                raise OutcomeUnknown(
                    "LinkedIn timed out while creating the post; Alur checks whether it arrived before trying again.",
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise OutcomeUnknown(
                "LinkedIn accepted the post but did not say which post it created; Alur checks before trying again.",
                status=response.status_code,
                detail=f"HTTP {response.status_code} without x-restli-id",
            )
        return Published(urn, post_url(urn), {"id": urn, "status": response.status_code})

    def upload_image(self, owner: str, data: bytes) -> str:
        """Images API: register the upload, then PUT the bytes to the returned URL; answer the image URN."""
        response = self.request(
            "POST",
            f"{self.base_url}/rest/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": owner}},
            headers=self.headers(**{"Content-Type": "application/json"}),
        )
        answer = _json(response)
        value = answer.get("value") if isinstance(answer, dict) else None
        if not isinstance(value, dict) or not value.get("uploadUrl") or not value.get("image"):
            raise TransientError("LinkedIn did not return an upload address for the image; Alur will try again.")
        self.request(
            "PUT",
            str(value["uploadUrl"]),
            content=data,
            headers={
                "Authorization": f"Bearer {self.account.secret('access_token')}",
                "Content-Type": "application/octet-stream",
            },
        )
        return str(value["image"])

    def find(self, payload: Payload) -> Published | None:
        if not self.can_find():
            return super().find(payload)
        author = self.author
        response = self.request(
            "GET",
            f"{self.base_url}/rest/posts",
            params={"author": author, "q": "author", "count": "20", "sortBy": "LAST_MODIFIED"},
            headers=self.headers(**{"X-RestLi-Method": "FINDER"}),
        )
        data = _json(response)
        elements = data.get("elements", []) if isinstance(data, dict) else []
        wanted = _normalise(self.commentary(payload))
        for element in elements if isinstance(elements, list) else []:
            if not isinstance(element, dict) or element.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
                continue
            if _normalise(str(element.get("commentary", ""))) == wanted and element.get("id"):
                urn = str(element["id"])
                return Published(urn, post_url(urn), element)
        return None

    def delete(self, external_id: str) -> None:
        try:
            self.request(
                "DELETE",
                f"{self.base_url}/rest/posts/{quote(external_id, safe='')}",
                headers=self.headers(**{"X-RestLi-Method": "DELETE"}),
            )
        except PermanentError as error:
            if error.status == 404:
                return  # already gone
            raise

    def test_connection(self) -> str:
        author = self.author
        if author.startswith("urn:li:organization:"):
            org_id = author.rsplit(":", 1)[1]
            data = _json(self.request("GET", f"{self.base_url}/rest/organizations/{org_id}", headers=self.headers()))
            name = data.get("localizedName") if isinstance(data, dict) else None
        else:
            # OpenID Connect userinfo (Sign In with LinkedIn using OpenID Connect).
            data = _json(self.request("GET", f"{self.base_url}/v2/userinfo", headers=self.headers()))
            name = data.get("name") if isinstance(data, dict) else None
        return f"{name} ({author})" if name else author

    def refresh(self) -> TokenSet | None:
        refresh_token = self.account.secret("refresh_token")
        if not refresh_token:
            return None
        oauth_url = str(self.account.setting("oauth_url", DEFAULT_OAUTH_URL)).rstrip("/")
        try:
            response = self.client.post(
                f"{oauth_url}/oauth/v2/accessToken",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                    "client_id": self.account.secret("client_id"),
                    "client_secret": self.account.secret("client_secret"),
                },
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except httpx.HTTPError as error:
            raise TransientError("LinkedIn could not be reached to refresh the token; Alur will try again.") from error
        data = _json(response)
        if response.status_code >= 500:
            raise TransientError(f"LinkedIn had a temporary error ({response.status_code}) refreshing the token.")
        if response.status_code >= 400 or not isinstance(data, dict) or not data.get("access_token"):
            message = (data.get("error_description") or data.get("error")) if isinstance(data, dict) else ""
            raise AuthError(
                f"LinkedIn refused to refresh the token ({message or response.status_code}). Reconnect the account.",
                status=response.status_code,
                detail=response.text[:1500],
                revoked=True,
            )
        expires_in = data.get("expires_in")
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None
        return TokenSet(str(data["access_token"]), str(data.get("refresh_token") or ""), expires_at)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def _linkedin_message(data: Any) -> str:
    """``message`` plus the first ``errorDetails.inputErrors[].description`` where LinkedIn gives one."""
    if not isinstance(data, dict):
        return ""
    message = str(data.get("message") or "")
    details = data.get("errorDetails")
    if isinstance(details, dict):
        for item in details.get("inputErrors") or []:
            if isinstance(item, dict) and item.get("description"):
                description = str(item["description"])
                return f"{message}: {description}" if message and description not in message else description
    return message


def _seconds_to_midnight_utc(now: datetime | None = None) -> float:
    current = now or datetime.now(UTC)
    midnight = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - current).total_seconds()
