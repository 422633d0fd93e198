"""The connector registry: ``key`` → dotted path of its class, imported on first use.

Adding a connector: write ``connectors/<name>.py`` with a :class:`~.base.Connector` subclass, add it
here, and test it against a local server that speaks the platform's documented contract
(``tests/publishing/fakes/``).
"""

from __future__ import annotations

from importlib import import_module

from .base import Connector

REGISTRY: dict[str, str] = {
    "webhook": "alur.publishing.connectors.webhook.WebhookConnector",
    "email": "alur.publishing.connectors.email.EmailConnector",
    "wordpress": "alur.publishing.connectors.wordpress.WordPressConnector",
    "mastodon": "alur.publishing.connectors.mastodon.MastodonConnector",
    "telegram": "alur.publishing.connectors.telegram.TelegramConnector",
    "facebook": "alur.publishing.connectors.meta.FacebookPageConnector",
    "instagram": "alur.publishing.connectors.meta.InstagramConnector",
    "linkedin": "alur.publishing.connectors.linkedin.LinkedInConnector",
    "x": "alur.publishing.connectors.x.XConnector",
    "tiktok": "alur.publishing.connectors.tiktok.TikTokConnector",
    "youtube": "alur.publishing.connectors.youtube.YouTubeConnector",
}


def connector_class(key: str) -> type[Connector]:
    """The class registered under ``key``; ``KeyError`` for an unknown key."""
    module_path, _, name = REGISTRY[key].rpartition(".")
    cls = getattr(import_module(module_path), name)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise TypeError(f"{REGISTRY[key]} is not a Connector")
    return cls


def available() -> dict[str, type[Connector]]:
    """Every registered connector whose module exists, by key."""
    found: dict[str, type[Connector]] = {}
    for key in REGISTRY:
        try:
            found[key] = connector_class(key)
        except ModuleNotFoundError:
            continue
    return found
