"""Template helpers for the portal's forms (display only)."""

from django import template

register = template.Library()


@register.filter
def error_count(form) -> int:
    """How many error messages the form shows: its own and its fields'."""
    return sum(len(errors) for errors in form.errors.values())
