"""The form of the guidelines settings page. It only reads what was typed; the service
(:func:`alur.content.services.guidelines.guidelines_update`) cleans and checks every entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alur.content.models import ContentSettings
from alur.content.platforms import ContentKind, Platform
from alur.content.services.guidelines import MAX_DISCLAIMER, MAX_POSTS_PER_WEEK, MAX_VOICE_TONE
from alur.core.forms import StyledFormMixin

FREQUENCY_PREFIX = "frequency_"


class GuidelinesForm(StyledFormMixin, forms.Form):
    voice_tone = forms.CharField(
        label=_("Voice and tone"),
        required=False,
        max_length=MAX_VOICE_TONE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the brand sounds, e.g. warm, casual Indonesian; address readers as “kamu”; no slang in ads."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. brewing tips, farmer stories, promos."),
    )
    content_types = forms.MultipleChoiceField(
        label=_("Content types the team makes"),
        required=False,
        choices=ContentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    banned_words = forms.CharField(
        label=_("Banned words and phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Whole words only, any capitalisation: “murah” does not catch “kemurahan”."),
    )
    required_hashtags = forms.CharField(
        label=_("Required hashtags"),
        required=False,
        help_text=_("Separated by spaces or commas, e.g. #KopiNusantara. Checked on channels that use hashtags."),
    )
    required_disclaimer = forms.CharField(
        label=_("Required disclaimer"),
        required=False,
        max_length=MAX_DISCLAIMER,
        help_text=_("Text that must appear in the post, e.g. “Syarat & ketentuan berlaku.”"),
    )
    disclaimer_kinds = forms.MultipleChoiceField(
        label=_("Content types that need the disclaimer"),
        required=False,
        choices=ContentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to require it on every type."),
    )
    allowed_link_domains = forms.CharField(
        label=_("Allowed link domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. kopinusantara.id; subdomains are allowed too. Leave empty to allow any."),
    )
    require_https = forms.BooleanField(label=_("Links must use https"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for platform in Platform:
            self.fields[FREQUENCY_PREFIX + platform.value] = forms.IntegerField(
                label=platform.label,
                required=False,
                min_value=0,
                max_value=MAX_POSTS_PER_WEEK,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    @classmethod
    def initial_from(cls, row: ContentSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "voice_tone": row.voice_tone,
            "topics": "\n".join(row.topics or ()),
            "content_types": list(row.content_types or ()),
            "banned_words": "\n".join(row.banned_words or ()),
            "required_hashtags": " ".join(row.required_hashtags or ()),
            "required_disclaimer": row.required_disclaimer,
            "disclaimer_kinds": list(row.disclaimer_kinds or ()),
            "allowed_link_domains": "\n".join(row.allowed_link_domains or ()),
            "require_https": row.require_https,
        }
        for platform, count in (row.posting_frequency or {}).items():
            initial[FREQUENCY_PREFIX + platform] = count
        return initial

    def frequency_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(FREQUENCY_PREFIX)]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as :func:`guidelines_update` takes it."""
        data = dict(self.cleaned_data)
        frequency = {
            name.removeprefix(FREQUENCY_PREFIX): data.pop(name) for name in list(data) if name.startswith(FREQUENCY_PREFIX)
        }
        data["posting_frequency"] = {platform: count for platform, count in frequency.items() if count is not None}
        return data
