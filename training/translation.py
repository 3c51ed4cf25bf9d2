from modeltranslation.translator import TranslationOptions, register

from training.models import Module, Programme, RecruitmentEvent


@register(Programme)
@register(Module)
@register(RecruitmentEvent)
class TitleDescriptionTranslation(TranslationOptions):
    fields = ("title", "description")
