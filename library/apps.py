from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Media library"

    def ready(self):
        from library.models import Image, Rendition
        from library.renditions import image_saved, rendition_deleted

        post_save.connect(image_saved, sender=Image, dispatch_uid="image_renditions")
        post_delete.connect(rendition_deleted, sender=Rendition, dispatch_uid="rendition_file")
