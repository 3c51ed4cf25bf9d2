"""Write-side rules of the public catalogue."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import NewsItem, NewsRating


def news_rate(*, news_item: NewsItem, user, value: object) -> NewsRating:
    """Record the user's rating of a news item (1–5); rating again replaces the earlier value.

    Anything but a whole number from 1 to 5 is refused with a translated error; nothing is saved.
    """
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Sign in to rate news."))
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not 1 <= number <= 5 or str(value).strip() != str(number):
        raise ValidationError(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        rating, _created = NewsRating.objects.select_for_update().get_or_create(
            news_item=news_item, user=user, defaults={"value": number}
        )
        if rating.value != number:
            rating.value = number
            rating.full_clean()
            rating.save(update_fields=["value", "updated_at"])
    return rating
