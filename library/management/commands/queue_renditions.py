from django.core.management.base import BaseCommand

from library.models import Image
from library.renditions import is_current
from library.tasks import make_image_renditions


class Command(BaseCommand):
    help = (
        "Queue renditions for every library image whose set is missing or stale (a new "
        "picture, a moved focal point, a job that died with its worker). The worker makes "
        "them; an image that is already current is left alone."
    )

    def handle(self, *args, **options):
        queued = 0
        for image in Image.objects.iterator():
            if not is_current(image):
                make_image_renditions.enqueue(image.pk)
                queued += 1
        self.stdout.write(f"Queued renditions for {queued} image(s).")
