"""Forms of the content editor, the approval actions and the approval settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alur.content.models import ApprovalMode
from alur.content.platforms import ContentKind, Platform
from alur.core.forms import StyledFormMixin

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200)
    kind = forms.ChoiceField(label=_("Content type"), choices=ContentKind.choices)
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, empty_value=None, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    publish_at = forms.DateTimeField(
        label=_("Publish time"), required=False, widget=DATETIME_WIDGET, help_text=_("In the workspace's time zone.")
    )
    is_shared_with_clients = forms.BooleanField(label=_("Share with clients"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], campaigns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = members  # type: ignore[attr-defined]
        self.fields["campaign"].choices = [("", _("— no campaign —")), *campaigns]  # type: ignore[attr-defined]


class NewItemForm(ItemForm):
    platforms = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Platform.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One variant per channel; you write each in the editor."),
    )
    is_idea = forms.BooleanField(label=_("Keep it as an idea for now"), required=False)


class VariantForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title or subject"), required=False, max_length=300)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    link = forms.CharField(label=_("Link"), required=False, max_length=1000)
    hashtags = forms.CharField(
        label=_("Hashtags"), required=False, help_text=_("Separated by spaces, e.g. #KopiNusantara #NgopiPagi")
    )
    account = forms.TypedChoiceField(label=_("Account"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, accounts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("— any account —")), *accounts]  # type: ignore[attr-defined]


class DecisionForm(StyledFormMixin, forms.Form):
    verdict = forms.ChoiceField(choices=[("approve", _("Approve")), ("changes", _("Request changes")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(StyledFormMixin, forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish time"), widget=DATETIME_WIDGET)


class ReviewLinkForm(StyledFormMixin, forms.Form):
    reviewer_name = forms.CharField(label=_("Reviewer name"), max_length=120)
    reviewer_email = forms.EmailField(label=_("Reviewer email"))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=60, initial=7)


class RouteForm(StyledFormMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Approval workflow"), choices=ApprovalMode.choices, widget=forms.RadioSelect)


class ReminderForm(StyledFormMixin, forms.Form):
    remind_after_hours = forms.IntegerField(label=_("Remind approvers after (hours)"), min_value=1, max_value=720)
    escalate_after_hours = forms.IntegerField(label=_("Escalate to managers after (hours)"), min_value=1, max_value=720)
