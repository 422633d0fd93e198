"""The platforms a content variant can target. Their limits live in :mod:`alur.content.rules`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    THREADS = "threads", "Threads"
    MASTODON = "mastodon", "Mastodon"
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", _("Email newsletter")
    BLOG = "blog", _("Blog / website")


class ContentKind(models.TextChoices):
    SOCIAL_POST = "social_post", _("Social post")
    STORY = "story", _("Story")
    SHORT_VIDEO = "short_video", _("Short video")
    ARTICLE = "article", _("Article / blog")
    EMAIL = "email", _("Email")
    AD = "ad", _("Ad")
    INFOGRAPHIC = "infographic", _("Infographic")
