from modeltranslation.translator import TranslationOptions, register

from sponsorship.models import ConsentText


@register(ConsentText)
class ConsentTextTranslation(TranslationOptions):
    fields = ("text",)
