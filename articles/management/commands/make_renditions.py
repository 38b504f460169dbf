from django.core.management.base import BaseCommand
from django.db.models import Q

from articles.models import Article
from articles.renditions import sync_renditions


class Command(BaseCommand):
    help = (
        "Bring every article's lead-image renditions up to date: make missing or stale ones "
        "for live stories, remove those of stories readers can no longer see."
    )

    def handle(self, *args, **options):
        articles = Article.objects.filter(
            ~Q(lead_image="") | Q(renditions__isnull=False)
        ).distinct()
        for article in articles.iterator():
            sync_renditions(article)
        self.stdout.write(f"Checked the renditions of {articles.count()} articles.")
