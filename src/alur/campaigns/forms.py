"""Forms of campaigns: they parse and validate; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alur.campaigns.templates_data import BRIEF_TEMPLATES, CHANNELS
from alur.core.forms import StyledFormMixin
from alur.strategy.forms import DateInput

CHANNEL_LABELS = {
    "seo": _("SEO"),
    "sem": _("Search ads (SEM)"),
    "social": _("Social media"),
    "email": _("Email"),
    "content": _("Content / blog"),
    "ads": _("Paid social & display ads"),
    "influencer": _("Influencers"),
    "offline": _("Offline"),
}


class CampaignCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=150)
    template = forms.ChoiceField(label=_("Brief template"), required=False)
    workflow = forms.TypedChoiceField(label=_("Workflow"), coerce=int, required=False, empty_value=None)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    start_date = forms.DateField(label=_("Start"), widget=DateInput, required=False)
    end_date = forms.DateField(label=_("End"), widget=DateInput, required=False)

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], workflows: list[tuple[int, str]], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workflow"].choices = [("", _("— the default workflow —")), *workflows]  # type: ignore[attr-defined]
        self.fields["template"].choices = [("", _("— blank brief —")), *((t.key, t.name(language)) for t in BRIEF_TEMPLATES)]  # type: ignore[attr-defined]
        self.fields["owner"].choices = members  # type: ignore[attr-defined]


class CampaignEditForm(StyledFormMixin, forms.Form):
    """The campaign's name and dates; content can be scheduled only inside the dates."""

    name = forms.CharField(label=_("Campaign name"), max_length=150)
    start_date = forms.DateField(label=_("Start"), widget=DateInput, required=False)
    end_date = forms.DateField(
        label=_("End"),
        widget=DateInput,
        required=False,
        help_text=_("Posts of this campaign can be scheduled only between the dates."),
    )


class BriefForm(StyledFormMixin, forms.Form):
    smart_goal = forms.CharField(label=_("SMART goal"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    target_audience = forms.CharField(label=_("Target audience"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    buyer_persona = forms.CharField(label=_("Buyer persona"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    value_proposition = forms.CharField(label=_("Value proposition"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    key_message = forms.CharField(label=_("Key message"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    conversion_path = forms.CharField(label=_("Conversion path"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    call_to_action = forms.CharField(label=_("Call to action"), max_length=200, required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=[(c, CHANNEL_LABELS[c]) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    key_results = forms.TypedMultipleChoiceField(
        label=_("KPIs: the key results this campaign serves"), coerce=int, required=False
    )
    market_situation = forms.CharField(label=_("Market situation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    competitor_analysis = forms.CharField(
        label=_("Competitor analysis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    target_market_analysis = forms.CharField(
        label=_("Target-market analysis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    market_gap = forms.CharField(label=_("Market gap"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    is_shared_with_clients = forms.BooleanField(label=_("Share with clients"), required=False)

    def __init__(self, *args: Any, key_results: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_results"].choices = key_results  # type: ignore[attr-defined]
        self.fields["key_results"].widget.attrs["size"] = min(8, max(3, len(key_results)))


class BudgetLineForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c, CHANNEL_LABELS[c]) for c in CHANNELS])
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    planned = forms.CharField(label=_("Planned"))
    actual = forms.CharField(
        label=_("Actual spend"), required=False, help_text=_("Until imported data exists, enter it by hand.")
    )
