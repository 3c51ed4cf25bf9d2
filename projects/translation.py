from modeltranslation.translator import TranslationOptions, register

from projects import models


@register(models.Theme)
@register(models.TargetGroup)
@register(models.Language)
@register(models.SustainableDevelopmentGoal)
@register(models.Municipality)
class NameTranslation(TranslationOptions):
    fields = ("name",)


@register(models.FundingProgramme)
class FundingProgrammeTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "period_note", "approach_heading", "image_alt")


@register(models.ProjectItem)
class ProjectItemTranslation(TranslationOptions):
    fields = ("text",)


@register(models.ContactPerson)
class ContactPersonTranslation(TranslationOptions):
    fields = ("role", "organisation_text", "group")


@register(models.ProjectLink)
class ProjectLinkTranslation(TranslationOptions):
    fields = ("title",)


@register(models.GoodPractice)
class GoodPracticeTranslation(TranslationOptions):
    fields = (
        "title",
        "duration",
        "summary",
        "main_activities",
        "origin",
        "challenges",
        "impact",
        "replicability",
        "image_alt",
    )


@register(models.NewsItem)
class NewsItemTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "image_alt")


@register(models.Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "body", "location")


@register(models.Resource)
class ResourceTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.InfoPage)
class InfoPageTranslation(TranslationOptions):
    fields = ("title", "intro", "body", "controller", "postal_address")
