"""Load the demo newsroom: sections, authors, published stories with lead images, and, in
development only, staff accounts. Running it again changes nothing."""

import io
import random
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from articles.importer import parse_draft_file
from articles.models import Article, Author, Section
from library.models import Image as LibraryImage

DRAFTS_DIR = Path(__file__).resolve().parents[2] / "demo"

# slug: (name, description, two colours for the generated lead images and their names)
SECTIONS = {
    "ai": (
        "AI",
        "Artificial intelligence: the labs, the models, and what they change at work.",
        ("#1d2b64", "#1fa2a6", "deep blue to teal"),
    ),
    "science": (
        "Science",
        "Research from the field and the lab, checked against the papers behind it.",
        ("#0b4f3c", "#7fc97f", "forest green to pale green"),
    ),
    "local": (
        "Local",
        "Northbridge and its neighbourhoods: the council, transport, services.",
        ("#7a2e12", "#f2a541", "brick red to amber"),
    ),
    "business": (
        "Business",
        "Companies, work and money in the region.",
        ("#2f3640", "#a4b0be", "charcoal to silver"),
    ),
    "culture": (
        "Culture",
        "Theatre, film, books and music, reviewed and reported.",
        ("#4b1d52", "#e26d8f", "plum to rose"),
    ),
}

AUTHORS = {
    "maya-okafor": ("Maya Okafor", "Covers artificial intelligence and the technology industry."),
    "tomas-lindqvist": ("Tomás Lindqvist", "Science editor; formerly a marine biologist."),
    "priya-raman": ("Priya Raman", "Reports on Northbridge's council, transport and services."),
    "daniel-achterberg": ("Daniel Achterberg", "Business reporter: work, trade and local firms."),
    "clara-whitfield": ("Clara Whitfield", "Culture writer and theatre critic."),
}

# Draft file, its bylines, and how many hours ago it was published (the lead story first).
# None: left in review. The pipeline sent the Karpathy story without its sources, so the
# publish checks keep it on the desk until an editor adds them.
STORIES = [
    ("karpathy-joins-anthropic.txt", ["maya-okafor"], None),
    ("northbridge-night-buses.txt", ["priya-raman"], 3),
    ("coral-reef-heat-survey.json", ["tomas-lindqvist"], 5),
    ("bakery-four-day-week.txt", ["daniel-achterberg"], 8),
    ("tram-depot-theatre.txt", ["clara-whitfield", "priya-raman"], 11),
    ("ai-triage-notes.txt", ["maya-okafor", "priya-raman"], 20),
    ("water-catalyst.json", ["tomas-lindqvist"], 26),
    ("street-trees.txt", ["priya-raman"], 30),
    ("port-cargo.json", ["daniel-achterberg"], 34),
    ("film-festival.txt", ["clara-whitfield"], 45),
    ("open-model-inventory.txt", ["maya-okafor"], 52),
    ("swift-count.txt", ["tomas-lindqvist"], 60),
    ("library-hours.txt", ["priya-raman"], 70),
    ("credit-union-branch.txt", ["daniel-achterberg"], 80),
    ("seagull-review.txt", ["clara-whitfield"], 96),
]

# Demo staff: username, group (if the desk has created it), is_superuser, byline to link.
STAFF = [
    ("admin", None, True, None),
    ("editor", "Editor", False, None),
    ("reporter", "Reporter", False, "priya-raman"),
    ("moderator", "Moderator", False, None),
]

IMAGE_SIZE = (1200, 675)
IMAGE_CREDIT = "Illustration: Newsroom demo generator"


class Command(BaseCommand):
    help = (
        "Load the demo content (sections, authors, published stories through the real "
        "importer) and, with DEBUG on, demo staff accounts. Running it again changes nothing."
    )

    def handle(self, *args, verbosity, **options):
        self.verbosity = verbosity
        self.create_sections_and_authors()
        self.import_stories()
        if settings.DEBUG:
            self.create_staff()
        else:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off: no demo staff accounts created. "
                    "Use `manage.py createsuperuser` for a real one."
                )
            )

    def create_sections_and_authors(self):
        for position, (slug, (name, description, _)) in enumerate(SECTIONS.items()):
            Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position}
            )
        for slug, (name, bio) in AUTHORS.items():
            Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})

    def import_stories(self):
        """File each demo draft through the real importer, under its bylines."""
        now = timezone.now()
        for name, author_slugs, hours_ago in STORIES:
            path = DRAFTS_DIR / name
            fingerprint = parse_draft_file(path).fingerprint
            is_new = not Article.objects.filter(fingerprint=fingerprint).exists()
            publish = hours_ago is not None
            call_command(
                "import_articles",
                str(path),
                publish=publish,
                bylines=author_slugs,
                origin="the demo",
                verbosity=0,
                stdout=self.stdout,
                stderr=self.stderr,
            )
            article = Article.objects.select_related("section").get(fingerprint=fingerprint)
            if is_new and publish:
                self.backdate(article, now - timedelta(hours=hours_ago))
            if not article.lead_image:
                self.add_lead_image(article)
            if self.verbosity >= 1:
                verb = (
                    ("Published" if publish else "Filed for review") if is_new else "Already loaded"
                )
                self.stdout.write(f"{verb}: {article.headline}")

    def backdate(self, article, published_at):
        """Spread the demo over a few days, so that its pages look like a running newsroom."""
        Article.objects.filter(pk=article.pk).update(
            published_at=published_at, first_published_at=published_at
        )

    def add_lead_image(self, article):
        """Put a drawn picture into the library, described there, and lead the story with it."""
        start, end, colours = SECTIONS[article.section.slug][2]
        article.lead_image = LibraryImage.objects.create(
            file=ContentFile(draw_lead_image(article.slug, start, end), f"{article.slug}.jpg"),
            title=article.headline[:200],
            alt=f"Abstract illustration: translucent circles over a {colours} gradient.",
            credit=IMAGE_CREDIT,
        )
        article.save(update_fields=["lead_image"])

    def create_staff(self):
        User = get_user_model()
        for username, group_name, is_superuser, author_slug in STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user(
                    username,
                    password=password,
                    is_staff=True,
                    is_superuser=is_superuser,
                )
                self.stdout.write(f"Demo staff account {username!r}: password {password}")
            else:
                self.stdout.write(
                    f"Demo staff account {username!r} exists; its password is unchanged "
                    f"(`manage.py changepassword {username}` sets a new one)."
                )
            if group_name and (group := Group.objects.filter(name=group_name).first()):
                user.groups.add(group)
            if author_slug and not Author.objects.filter(user=user).exists():
                Author.objects.filter(slug=author_slug, user__isnull=True).update(user=user)


def draw_lead_image(seed, start, end):
    """Draw a 16:9 JPEG: a two-colour gradient with soft circles placed by the seed."""
    rng = random.Random(seed)
    width, height = IMAGE_SIZE
    mask = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize(IMAGE_SIZE)
    image = Image.composite(
        Image.new("RGB", IMAGE_SIZE, end), Image.new("RGB", IMAGE_SIZE, start), mask
    )
    overlay = Image.new("RGBA", IMAGE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(rng.randint(5, 9)):
        radius = rng.randint(height // 10, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        shade = rng.randint(180, 255)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=(shade, shade, shade, rng.randint(25, 70)),
        )
    image = Image.alpha_composite(
        image.convert("RGBA"), overlay.filter(ImageFilter.GaussianBlur(6))
    )
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()
