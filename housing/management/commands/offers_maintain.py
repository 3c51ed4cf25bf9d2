from django.core.management.base import BaseCommand

from housing.services import offers_expire, offers_reconfirmation_request


class Command(BaseCommand):
    help = "Expire offers past their end date and ask sponsors to reconfirm old offers (the beat jobs, for cron)."

    def handle(self, *args, **options):
        expired = offers_expire()
        asked = offers_reconfirmation_request()
        self.stdout.write(f"{expired} offer(s) expired, {asked} reconfirmation request(s) sent.")
