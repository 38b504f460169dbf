"""The story and what it is made of: sections, authors, articles, bylines and sources."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles import caching, visibility
from articles.caching import PageKeysQuerySet
from articles.models.desk import DeskQuerySet
from articles.models.states import VISIBLE_STATUSES, ArticleStatus
from articles.rendering import picture_ids, plain_text, render_markdown


class ModerationMode(models.TextChoices):
    """How new comments are let through; blank on a section or article means "inherit"."""

    PRE = "pre", "Pre-moderation: every comment waits for a moderator"
    POST = "post", "Post-moderation: comments appear at once unless held"


class SectionQuerySet(PageKeysQuerySet):
    def featured(self):
        return self.filter(is_featured=True)


class Section(models.Model):
    """A desk's part of the site (AI, Science, Local...). Every published article has one."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order; lower first.")
    is_featured = models.BooleanField(
        "featured",
        default=True,
        help_text="Named in the masthead and given a rail on the home page. A big archive has "
        "many sections; the front shows the handful that matter now.",
    )
    is_commenting_open = models.BooleanField(
        "comments open by default",
        default=True,
        help_text="Articles in this section take comments unless the article says otherwise.",
    )
    moderation_mode = models.CharField(
        max_length=4,
        choices=ModerationMode.choices,
        blank=True,
        help_text="Blank: the site default.",
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])

    def page_keys(self, before):
        """Its name is on teasers, feeds, sitemaps and search; featured ones in the masthead."""
        return {f"section:{self.pk}", "sections", "feeds", "sitemaps", "search"}


class Author(models.Model):
    """A byline. Not necessarily a login: wire services and contributors have none."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account behind this byline, if any.",
    )

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])

    def page_keys(self, before):
        """Its name is on every byline, in feeds and in search results."""
        return {f"author:{self.pk}", "feeds", "search"}


# Related stories are looked for this long before and after a story's publication.
RELATED_WINDOW = timedelta(days=14)
# Above this many stories a tag's page walks the newest stories instead of its taggings.
COMMON_TAG_STORIES = 1000


class ArticleQuerySet(PageKeysQuerySet, visibility.VisibilityQuerySet, DeskQuerySet):
    def for_listing(self):
        """Everything a teaser (headline, section, bylines, image) needs, in two queries."""
        return self.select_related("section").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_reading(self):
        """The story the article page shows, with its section and lead image (and its
        renditions); the rows around it come from `articles.pages.story_parts()`."""
        return self.select_related("section", "lead_image").prefetch_related(
            "lead_image__renditions"
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def newest_per_section(self, count, *, now=None):
        """The `count` newest stories of every featured section live at `now` (default: now),
        in one query however long the archive, ordered by section (display order) then newest
        first.

        Each slot is a subquery reading one row from the top of its section's index
        (index-only on both databases), instead of ranking the whole archive.
        """
        live = self.live_at(now) if now is not None else self.published()
        newest = live.filter(section=OuterRef("pk")).newest_first().values("pk")
        slots = (
            Section.objects.featured()
            .order_by()
            .annotate(**{f"slot{n}": Subquery(newest[n : n + 1]) for n in range(count)})
        )
        first, *others = [slots.values(f"slot{n}") for n in range(count)]
        return self.filter(pk__in=first.union(*others, all=True)).order_by(
            "section__position", "section__name", "-published_at", "-pk"
        )

    def tagged(self, tag):
        """Stories carrying `tag`, read the cheap way for its size.

        A common tag is found by walking the newest stories and checking each one's tags: the
        first page turns up after a few dozen. A rare tag is found from its few taggings and
        sorted. Either way round for the other kind reads the whole archive.
        """
        taggings = TaggedItem.objects.filter(
            tag=tag, content_type=ContentType.objects.get_for_model(self.model)
        )
        if taggings[: COMMON_TAG_STORIES + 1].count() > COMMON_TAG_STORIES:
            return self.filter(Exists(taggings.filter(object_id=OuterRef("pk"))))
        return self.filter(pk__in=taggings.values("object_id"))

    def related_to(self, *, pk, section_id, around, tag_ids):
        """Stories sharing the most of its tags (`tag_ids`) with story `pk`, then its section,
        newest first, among those published `around` (`Article.related_window()`).

        Only stories from around the same time are weighed: ranking a ten-year archive by
        shared tags on every page view would cost more than the rest of the page. The shared
        tags are counted by a subquery per candidate: joined, PostgreSQL compares taggit's
        integer object_id with the big-integer id by a cast that no index serves, and reads
        every tagging in the archive.
        """
        shared = (
            TaggedItem.objects.filter(
                content_type__app_label=self.model._meta.app_label,
                content_type__model=self.model._meta.model_name,
                object_id=OuterRef("pk"),
                tag_id__in=tag_ids,
            )
            .order_by()
            .values("object_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filter(published_at__range=around)
            .exclude(pk=pk)
            .annotate(shared_tags=Coalesce(Subquery(shared), 0))
            .filter(Q(shared_tags__gt=0) | Q(section_id=section_id))
            .select_related("section")
            .only("headline", "slug", "published_at", "section__name", "section__slug")
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def older_than(self, *, published_at, pk):
        """Stories after this one in newest_first() order: the next keyset page.

        The plain `published_at <= ...` lets the database seek straight to the spot on the
        index; the second condition only settles stories published at the same moment.
        """
        return self.filter(
            Q(published_at__lt=published_at) | Q(pk__lt=pk), published_at__lte=published_at
        )


class Article(models.Model):
    Status = ArticleStatus

    class Type(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        EXPLAINER = "explainer", "Explainer"

    VISIBLE_STATUSES = VISIBLE_STATUSES

    headline = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True, blank=True)
    dek = models.TextField("dek", blank=True, help_text="The standfirst under the headline.")
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    # What readers see of the body, without Markdown marks or link addresses: search
    # indexes, ranks and quotes this, so a snippet never shows "##" or "](https://".
    body_text = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(blank=True, help_text="Summary for listings, feeds and metadata.")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(blank=True)
    dateline = models.CharField(max_length=120, blank=True, help_text="e.g. NORTHBRIDGE")
    article_type = models.CharField(max_length=12, choices=Type.choices, default=Type.NEWS)

    # From the library; PROTECT: a picture a story leads with cannot be deleted by accident.
    lead_image = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    # Blank: the library's own words. Filled: this story's (a different crop of the news).
    lead_image_alt = models.CharField(
        "alt text", max_length=300, blank=True, help_text="Blank: the library's alt text."
    )
    lead_image_caption = models.CharField(
        "caption", max_length=500, blank=True, help_text="Blank: the library's caption."
    )
    lead_image_credit = models.CharField(
        "credit", max_length=200, blank=True, help_text="Blank: the library's credit."
    )
    # Library pictures named in the body ([[image 12]]), kept by save(): "used in" lists
    # them, and the library cannot delete them while a story shows them.
    body_images = models.ManyToManyField(
        "library.Image", through="BodyImage", related_name="body_of", blank=True
    )
    image_prompt = models.TextField(
        blank=True,
        help_text="The image brief that came with a pipeline draft. Never shown to readers.",
    )

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When readers may see it; in the future while scheduled."
    )
    unpublish_at = models.DateTimeField(null=True, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last substantive update shown to readers."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    is_commenting_open = models.BooleanField(
        "comments open", null=True, blank=True, help_text="Unknown: follow the section."
    )
    moderation_mode = models.CharField(
        max_length=4,
        choices=ModerationMode.choices,
        blank=True,
        help_text="Blank: the section's mode.",
    )

    # Where a pipeline draft came from, so re-importing it never makes a second article.
    fingerprint = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # Headline, dek and body text weighted A, B, C; kept current by a PostgreSQL trigger
    # and GIN-indexed (migrations 0020 and 0023). Unused on SQLite, which searches an FTS5
    # table.
    search_vector = SearchVectorField(null=True, editable=False)

    # The desk's side of the story (articles/workflow.py and articles/admin.py); never
    # shown to readers except the kill notice, which a killed article's URL answers with.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
        help_text="Who works on the story next.",
    )
    due_at = models.DateTimeField("due", null=True, blank=True, help_text="When the desk needs it.")
    editorial_notes = models.TextField(
        "internal notes", blank=True, help_text="For the desk only; readers never see them."
    )
    kill_notice = models.TextField(
        blank=True, editable=False, help_text="Shown to readers in place of a killed story."
    )
    # Chosen by an editor, in order; the automatic related stories fill the rest.
    related_stories = models.ManyToManyField(
        "self",
        through="RelatedStory",
        through_fields=("article", "story"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=VISIBLE_STATUSES) | Q(published_at__isnull=False),
                name="article_live_has_published_at",
            ),
        ]
        # The order readers see (newest first, pk breaking ties), so every list reads the
        # first rows of one of these and stops. Status and unpublish time ride along so that
        # published() is checked in the index, without reading the (large) rows it skips.
        # Not partial indexes: SQLite cannot match a partial index to a query whose values
        # are bound parameters, which is how Django sends them.
        indexes = [
            models.Index(
                fields=["-published_at", "-id", "status", "unpublish_at"],
                name="article_reader_newest",
            ),
            models.Index(
                fields=["section", "-published_at", "-id", "status", "unpublish_at"],
                name="article_reader_section",
            ),
            models.Index(
                fields=["unpublish_at"],
                condition=Q(unpublish_at__isnull=False),
                name="article_unpublish_due",
            ),
        ]
        permissions = [
            ("submit_article", "Can submit articles for review"),
            ("edit_any_article", "Can edit any article, not only their own drafts"),
            (
                "publish_article",
                "Can return, approve, schedule, publish, unpublish and kill articles",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self.slug:
            self.slug = self.unique_slug(self.headline)
        # Rendering is the costly part of a save; a move or an assignment leaves the body alone.
        body_changed = self._has_changed("body", update_fields)
        if body_changed:
            self.body_html = render_markdown(self.body)
            self.body_text = plain_text(self.body_html)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "body_text"}
        public_slug = (
            self.public_slug_before_save() if self._has_changed("slug", update_fields) else None
        )
        super().save(*args, **kwargs)
        if body_changed:
            self.keep_body_images()
        self._remember_stored()
        if public_slug and public_slug != self.slug:
            self.keep_old_slug(public_slug)

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._remember_stored()
        return article

    def clean(self):
        if self.lead_image_id and not self.lead_alt().strip():
            raise ValidationError(
                {
                    "lead_image_alt": "Describe the lead image for readers who cannot see it "
                    "(here, or once for every story in the library)."
                }
            )

    def keep_body_images(self):
        """Point body_images at the library pictures the body names (unknown ids left out)."""
        from library.models import Image

        named = Image.objects.filter(pk__in=picture_ids(self.body_html))
        self.body_images.set(named)

    # The lead image's words as readers get them: this story's override, else the library's.

    def lead_alt(self):
        return self.lead_image_alt or (self.lead_image.alt if self.lead_image_id else "")

    def lead_caption(self):
        return self.lead_image_caption or (self.lead_image.caption if self.lead_image_id else "")

    def lead_credit(self):
        return self.lead_image_credit or (self.lead_image.credit if self.lead_image_id else "")

    def public_slug_before_save(self):
        """The slug readers may have seen, if the stored article has ever been published."""
        if self.pk is None:
            return None
        stored = Article.objects.filter(pk=self.pk)
        return (
            (stored.filter(first_published_at__isnull=False) | stored.published())
            .values_list("slug", flat=True)
            .first()
        )

    def keep_old_slug(self, old_slug):
        """Send readers of a published article's old address on to its new one, for good."""
        redirects = self.old_slugs.model.objects
        redirects.update_or_create(old_slug=old_slug, defaults={"article": self})
        # Changing back to an old slug: the article answers at it again by itself.
        redirects.filter(old_slug=self.slug, article=self).delete()

    # The body and slug as stored, to tell a save that changes them from one that does not.
    _TRACKED_FIELDS = ("body", "slug")

    def _remember_stored(self):
        self._stored = {
            name: self.__dict__[name] for name in self._TRACKED_FIELDS if name in self.__dict__
        }

    def _has_changed(self, name, update_fields):
        if update_fields is not None and name not in update_fields:
            return False
        if name in self.get_deferred_fields():
            return False
        stored = getattr(self, "_stored", {})
        return name not in stored or stored[name] != getattr(self, name)

    def mark_updated(self, at=None):
        """Show readers an "Updated" time: a substantive update or a new correction."""
        at = at or timezone.now()
        if self.updated_at is None or at > self.updated_at:
            self.updated_at = at
            Article.objects.filter(pk=self.pk).update(updated_at=at)

    @classmethod
    def unique_slug(cls, headline):
        """Slugify the headline, adding -2, -3... when another article has it."""
        base = slugify(headline)[:240] or "article"
        slug, n = base, 2
        while cls.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_live(self):
        return visibility.is_live(self)

    @property
    def shown_status(self):
        """The state the desk shows (a scheduled story readers already see is published)."""
        return visibility.shown_status(self)

    @property
    def has_been_published(self):
        """Readers have seen it (or see it now): it takes corrections and keeps old slugs."""
        return self.first_published_at is not None or self.is_live

    @property
    def was_updated(self):
        """Readers see "Updated" only after a substantive update past first publication."""
        return bool(
            self.updated_at
            and self.first_published_at
            and self.updated_at > self.first_published_at
        )

    @property
    def last_updated_at(self):
        """When readers last saw a substantive change: the update, else the publication."""
        return max(filter(None, [self.updated_at, self.published_at]), default=None)

    @property
    def byline_authors(self):
        """Authors in byline order; reads the prefetch made by for_listing()."""
        return [byline.author for byline in self.bylines.all()]

    # Page keys (articles/caching.py): what pages show of the story, what a write changes.

    @staticmethod
    def headline_keys(pk, section_id):
        """The keys of a page showing a story's headline under its section's name."""
        return {f"article:{pk}", f"section:{section_id}"}

    @staticmethod
    def teaser_keys(pk, section_id, author_ids):
        """The keys of a page showing a story's teaser: its headline and its bylines."""
        return Article.headline_keys(pk, section_id) | {f"author:{pk}" for pk in author_ids}

    def related_window(self):
        """When stories published may be related to this one (`related_to()`)."""
        return (self.published_at - RELATED_WINDOW, self.published_at + RELATED_WINDOW)

    def page_view_keys(self, *, author_ids, tag_ids):
        """The keys of the story's own part of its page (by its authors and tags), besides its
        related stories' teasers: the story, its tags' names, and the weeks its related
        stories may come from (the comment section names its own: comments/threads.py)."""
        weeks = caching.weeks_around(self.published_at, RELATED_WINDOW.days)
        return {
            *self.teaser_keys(self.pk, self.section_id, author_ids),
            *(f"tag:{pk}" for pk in tag_ids),
            *(f"related:section:{self.section_id}:{w}" for w in weeks),
            *(f"related:tag:{pk}:{w}" for pk in tag_ids for w in weeks),
            # Its pictures' words and renditions (library/models.py).
            *(f"image:{pk}" for pk in {self.lead_image_id, *picture_ids(self.body_html)} if pk),
        }

    def for_comments(self):
        """The story as its comment section reads it (whether it is open, and till when): a
        light copy, kept with the story's page objects instead of the story with its
        prefetches."""
        section = self.section and Section(
            pk=self.section_id, is_commenting_open=self.section.is_commenting_open
        )
        return Article(
            pk=self.pk,
            slug=self.slug,
            published_at=self.published_at,
            is_commenting_open=self.is_commenting_open,
            section=section,
        )

    def listing(self):
        """What decides whether, when and where the story is listed."""
        return (self.status, self.published_at, self.unpublish_at, self.section_id)

    def page_keys(self, before):
        """A write renews the story's own page and teasers, and a live story's feeds,
        sitemaps and search; when it enters, leaves or moves in lists, those lists too."""
        rows = [self] if before is None else [self, before]
        keys = {f"article:{self.pk}"}
        if any(row.status in VISIBLE_STATUSES for row in rows):
            keys |= {"feeds", "sitemaps", "search"}
        live = [row for row in rows if row.status in VISIBLE_STATUSES and row.published_at]
        if live and (before is None or before.listing() != self.listing()):
            author_ids = list(
                Byline.objects.filter(article_id=self.pk).values_list("author_id", flat=True)
            )
            tag_ids = list(
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(Article), object_id=self.pk
                ).values_list("tag_id", flat=True)
            )
            keys = keys.union(*(row.list_keys(author_ids, tag_ids) for row in live))
        return keys

    def list_keys(self, author_ids, tag_ids):
        """The lists a live (or scheduled) story is on, given its authors and tags, and the
        schedule that decides when."""
        w = caching.week(self.published_at)
        return {
            "front",
            "corrections",
            "schedule",
            f"list:section:{self.section_id}",
            f"related:section:{self.section_id}:{w}",
            *(f"list:author:{pk}" for pk in author_ids),
            *(f"list:tag:{pk}" for pk in tag_ids),
            *(f"related:tag:{pk}:{w}" for pk in tag_ids),
        }


def _tagging_keys(tagging, before):
    """A story's tags are on its page and in feeds, and put it on tag lists and rails."""
    published_at = (
        Article.objects.filter(pk=tagging.object_id).values_list("published_at", flat=True).first()
    )
    keys = {f"article:{tagging.object_id}", f"list:tag:{tagging.tag_id}", "feeds", "search"}
    if published_at is not None:
        keys.add(f"related:tag:{tagging.tag_id}:{caching.week(published_at)}")
    return keys | (_tagging_keys(before, None) if before is not None else set())


# Articles are the only things tagged (taggit's tables are shared by any tagged model).
caching.declare(TaggedItem, _tagging_keys)
caching.declare(Tag, lambda tag, before: {f"tag:{tag.pk}", "feeds", "search"})


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_author_once"),
        ]
        indexes = [models.Index(fields=["author", "article"], name="byline_author_article")]

    def __str__(self):
        return f"{self.author} on {self.article}"

    def page_keys(self, before):
        """A byline is on the story's page and teasers, and puts it on the author's list."""
        rows = [self] if before is None else [self, before]
        return {"feeds", "search"}.union(
            *({f"article:{row.article_id}", f"list:author:{row.author_id}"} for row in rows)
        )


class Source(models.Model):
    """A report or document the story is based on; readers see them under the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def page_keys(self, before):
        """Sources are listed on the story's page."""
        return {f"article:{self.article_id}"}


class RelatedStory(models.Model):
    """A story an editor chose to show under another one, in the editor's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="curated_related")
    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="chosen_under")
    position = models.PositiveSmallIntegerField(default=0)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "story"], name="related_story_once"),
            models.CheckConstraint(
                condition=~Q(article=F("story")), name="related_story_not_itself"
            ),
        ]
        verbose_name_plural = "related stories"

    def __str__(self):
        return f"{self.story} under {self.article}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def page_keys(self, before):
        """The choice is on the story's own page (the chosen story's headline is its own key)."""
        rows = [self] if before is None else [self, before]
        return {f"article:{row.article_id}" for row in rows}
