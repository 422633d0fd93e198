"""Forms of accounts. They only parse and validate input; the writes happen in services."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alur.accounts.models import ApiTokenScope, Language, Workspace
from alur.accounts.services import user_set_password
from alur.core.forms import StyledFormMixin
from alur.core.roles import Role

COMMON_TIME_ZONES = [
    ("Asia/Jakarta", _("Asia/Jakarta (WIB)")),
    ("Asia/Makassar", _("Asia/Makassar (WITA)")),
    ("Asia/Jayapura", _("Asia/Jayapura (WIT)")),
    ("Asia/Singapore", "Asia/Singapore"),
    ("Asia/Kuala_Lumpur", "Asia/Kuala_Lumpur"),
    ("Asia/Bangkok", "Asia/Bangkok"),
    ("Asia/Manila", "Asia/Manila"),
    ("Asia/Tokyo", "Asia/Tokyo"),
    ("Australia/Sydney", "Australia/Sydney"),
    ("Europe/London", "Europe/London"),
    ("Europe/Amsterdam", "Europe/Amsterdam"),
    ("America/New_York", "America/New_York"),
    ("UTC", "UTC"),
]
CURRENCIES = [
    ("IDR", _("IDR — Indonesian rupiah")),
    ("USD", _("USD — US dollar")),
    ("SGD", _("SGD — Singapore dollar")),
    ("MYR", _("MYR — Malaysian ringgit")),
    ("EUR", _("EUR — Euro")),
    ("AUD", _("AUD — Australian dollar")),
    ("JPY", _("JPY — Japanese yen")),
]


class LoginForm(StyledFormMixin, AuthenticationForm):
    """Email and password. The field keeps the name ``username`` that django-axes watches."""

    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("This account has been deactivated."),
    }


class ProfileForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class WorkspaceForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the brand or client"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Workspace.Kind.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="IDR")
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=COMMON_TIME_ZONES, initial="Asia/Jakarta")
    language = forms.ChoiceField(label=_("Language of content and reports"), choices=Language.choices)

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        zoneinfo.ZoneInfo(value)
        return value


class WorkspaceCreateForm(WorkspaceForm):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=50,
        required=False,
        help_text=_("Used in links, e.g. /w/kopi-nusantara/. Leave empty to derive it from the name."),
    )


class InviteForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CONTENT_CREATOR)


class RoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What will use it, e.g. “Looker Studio”."))
    workspace = forms.ChoiceField(label=_("Workspace"))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiTokenScope.choices, initial=ApiTokenScope.READ)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=3650, required=False, help_text=_("Empty: never expires.")
    )

    def __init__(self, *args: Any, workspaces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].choices = workspaces  # type: ignore[attr-defined]


class SignupForm(StyledFormMixin, forms.Form):
    """Creating an account while accepting an invitation; the email comes from the invitation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise ValidationError({"password2": _("The two passwords differ; type the same password twice.")})
        return data


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PasswordResetRequestForm(StyledFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(StyledFormMixin, SetPasswordForm):
    """The new password from a reset link. Saving goes through the service, which audits the change and
    revokes the account's API tokens."""

    def save(self, commit: bool = True) -> Any:
        if not commit:
            return super().save(commit=False)
        user_set_password(self.user, password=self.cleaned_data["new_password1"], actor=self.user)
        return self.user
