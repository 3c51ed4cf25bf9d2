"""Strings of Django and allauth whose Lithuanian or Bulgarian upstream catalogues lag behind.

Django 5 changed "can't" to "can’t" in its password rules, and the Lithuanian catalogue still has
the old spelling, so these appear in English. Listing them here lets `make messages` carry them
into our catalogues (which take precedence), where they are translated.
"""

from django.utils.translation import gettext_noop

UPSTREAM_STRINGS = [
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
]
