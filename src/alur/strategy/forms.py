"""Forms of strategy: they parse and validate; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alur.core.forms import StyledFormMixin
from alur.strategy.models import DIRECTION_CHOICES, KeyResult


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("e.g. Q1 2027 or H1 2027"))
    start = forms.DateField(label=_("Start"), widget=DateInput)
    end = forms.DateField(label=_("End"), widget=DateInput)


class BusinessGoalForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Business goal"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MemberChoiceMixin:
    """Fills the owner drop-down with the workspace's members."""

    fields: dict[str, forms.Field]

    def set_members(self, members: list[tuple[int, str]]) -> None:
        self.fields["owner"].choices = members  # type: ignore[attr-defined]


class ObjectiveForm(StyledFormMixin, MemberChoiceMixin, forms.Form):
    title = forms.CharField(
        label=_("Objective"),
        max_length=250,
        help_text=_("Qualitative and ambitious, e.g. Raise brand awareness among millennials in big cities."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    business_goal = forms.TypedChoiceField(label=_("Business goal"), coerce=int, required=False, empty_value=None)
    is_shared_with_clients = forms.BooleanField(label=_("Share with clients"), required=False)

    def __init__(
        self,
        *args: Any,
        periods: list[tuple[int, str]],
        members: list[tuple[int, str]],
        goals: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
        self.fields["business_goal"].choices = [("", _("— none —")), *goals]  # type: ignore[attr-defined]
        self.set_members(members)


class KeyResultForm(StyledFormMixin, MemberChoiceMixin, forms.Form):
    title = forms.CharField(
        label=_("Key result"),
        max_length=250,
        help_text=_("As you would say it, e.g. Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan."),
    )
    metric = forms.CharField(
        label=_("Metric"), max_length=120, required=False, help_text=_("What is counted, e.g. Instagram followers.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTION_CHOICES)
    start_value = forms.CharField(label=_("Start value"), required=False, help_text=_("Where the metric is today."))
    target_value = forms.CharField(label=_("Target"), required=False)
    target_change_percent = forms.CharField(
        label=_("…or change in percent"),
        required=False,
        help_text=_("Instead of a target: e.g. 50 for “sebesar 50%”, relative to the start value."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    weight = forms.CharField(label=_("Weight"), initial="1", required=False)


class CheckInForm(StyledFormMixin, forms.Form):
    value = forms.CharField(label=_("Current value"))
    confidence = forms.IntegerField(label=_("Confidence (0–10)"), min_value=0, max_value=10, initial=7)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(StyledFormMixin, forms.Form):
    reflection = forms.CharField(
        label=_("Reflection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What worked, what did not, what the team learned."),
    )

    def __init__(self, *args: Any, key_results: list[KeyResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key_result in key_results:
            self.fields[f"decision_{key_result.pk}"] = forms.ChoiceField(
                label=key_result.title,
                choices=KeyResult.ReviewDecision.choices,
                widget=forms.RadioSelect,
                initial=key_result.review_decision or None,
            )

    def decisions(self) -> dict[int, str]:
        return {
            int(name.removeprefix("decision_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("decision_")
        }
