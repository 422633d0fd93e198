"""Generic webhook: a signed JSON POST — the bridge to Zapier, Make, n8n or a team's own service.

The contract Alur speaks (documented for receivers in the README):

* ``POST <url>`` with ``Content-Type: application/json`` and the body below; headers
  ``Idempotency-Key`` (the same on every retry of one post), ``X-Alur-Timestamp`` (Unix seconds) and
  ``X-Alur-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret>``
  (the scheme Stripe and GitHub use; receivers should reject timestamps older than five minutes).
* Body: ``{"event": "publish", "idempotency_key", "platform", "title", "text", "link", "hashtags",
  "media": [{"url", "mime_type", "name"}], "publish_at", "item_id", "variant_id", "campaign"}``;
  ``{"event": "unpublish", "external_id"}`` to remove; ``{"event": "ping"}`` to test.
* Any 2xx is success; a JSON answer may carry ``id`` and ``url`` of what was created.
* A redirect (3xx) is never followed (a 301/302 would turn the POST into a GET and drop the body, and a
  signed delivery must not be replayed to another host) and never counted as delivered: it is a permanent
  failure telling the person to enter the final URL.
* Optional ``status_url``: ``GET <status_url>?idempotency_key=K`` answers 200 (with ``id``/``url``) when
  that post was received and 404 when not. With it, Alur can reconcile after a timeout or a crash;
  without it, a post whose delivery is unknown is failed with a reason instead of being sent twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from .base import Capabilities, Connector, Payload, PermanentError, Published, gettext_noop


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``"<timestamp>." + body`` under ``secret``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookConnector(Connector):
    key = "webhook"
    label = "Webhook (Zapier, Make, n8n)"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=20,
        can_delete=True,
        can_find=True,  # when a status URL is set, see can_find()
        idempotency_key=True,
        docs="README: 'Webhook contract'",
    )
    fields = (
        ("url", gettext_noop("Webhook URL"), False, True),
        ("status_url", gettext_noop("Status URL (optional, lets Alur check delivery)"), False, False),
        ("secret", gettext_noop("Signing secret"), True, True),
    )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send without following redirects (whatever the client's setting); a 3xx is a permanent failure."""
        response = super().request(method, url, follow_redirects=False, **kwargs)
        if 300 <= response.status_code < 400:
            target = response.headers.get("Location") or "another address"
            raise PermanentError(
                f"The hook URL redirects to {target} (HTTP {response.status_code}); Alur does not follow redirects. "
                "Use the final URL in the account settings.",
                status=response.status_code,
                detail=f"HTTP {response.status_code} from {url}: Location {target}",
            )
        return response

    def can_find(self) -> bool:
        return bool(self.account.setting("status_url"))

    def _post(self, data: dict[str, Any], idempotency_key: str = "") -> Any:
        url = self.account.setting("url")
        if not url:
            raise PermanentError("The webhook account has no URL; add one in the account settings.")
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Alur-Timestamp": timestamp,
            "X-Alur-Signature": sign(self.account.secret("secret"), timestamp, body),
        }
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = self.request("POST", url, content=body, headers=headers)
        try:
            return response.json()
        except ValueError:
            return {}

    def publish(self, payload: Payload) -> Published:
        answer = self._post(
            {
                "event": "publish",
                "idempotency_key": payload.idempotency_key,
                "platform": payload.platform,
                "title": payload.title,
                "text": payload.body(),
                "link": payload.link,
                "hashtags": list(payload.hashtags),
                "media": [{"url": m.url, "mime_type": m.mime_type, "name": m.name} for m in payload.media],
                "publish_at": payload.publish_at.isoformat() if payload.publish_at else None,
                "item_id": payload.item_id,
                "variant_id": payload.variant_id,
                "campaign": payload.campaign,
            },
            payload.idempotency_key,
        )
        answer = answer if isinstance(answer, dict) else {}
        return Published(str(answer.get("id") or payload.idempotency_key), str(answer.get("url") or ""), answer)

    def find(self, payload: Payload) -> Published | None:
        status_url = self.account.setting("status_url")
        if not status_url:
            return super().find(payload)
        try:
            response = self.request("GET", status_url, params={"idempotency_key": payload.idempotency_key})
        except PermanentError as error:
            if error.status == 404:
                return None
            raise
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        answer = answer if isinstance(answer, dict) else {}
        return Published(str(answer.get("id") or payload.idempotency_key), str(answer.get("url") or ""), answer)

    def delete(self, external_id: str) -> None:
        self._post({"event": "unpublish", "external_id": external_id})

    def test_connection(self) -> str:
        self._post({"event": "ping"})
        return str(self.account.setting("url"))
