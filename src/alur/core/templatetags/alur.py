"""Template helpers shared by every context."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from alur.core.audit import action_label
from alur.core.roles import Role

register = template.Library()


@register.simple_tag
def role_options(selected: str) -> SafeString:
    """The <option>s of a role drop-down; built in Python because a member list renders one per row."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((role.value, mark_safe(" selected") if role.value == selected else "", role.label) for role in Role),
    )


@register.filter
def audit_action(action: str) -> str:
    """The human name of an audit action, in the active language."""
    return action_label(action)


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """``{{ mapping|get_item:key }}``: a dictionary lookup by a variable key."""
    return mapping.get(key)
