"""The form renderer of every form in the portal (settings.FORM_RENDERER).

A select's empty choice reads "Choose…" in the page's language instead of Django's "---------" (a
model field's blank choice, a ModelChoiceField's empty label): one place for every form.
"""

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext as _

DASH = BLANK_CHOICE_DASH[0][1]


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and "optgroups" in widget:
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option["label"] == DASH and option["value"] in ("", None):
                        option["label"] = _("Choose…")
        return super().render(template_name, context, request=request)
