"""The comment section readers see: threads in the chosen order, nested three levels deep.

`comment_section()` makes the page object the article's comment block renders: one query for
the settings and counts (kept as a fragment under the thread's keys), and `thread_rows()` one
for the page's threads with all their replies (however deep), as plain rows with their URLs
and dates made. `render_section()` renders the block (Jinja2), taking the threads from a
fragment shared under the story's comment key while they are unchanged; nothing queries
while a template renders."""

from dataclasses import dataclass
from operator import itemgetter

from django.contrib.messages import get_messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from articles import caching
from articles.pages import ARTICLE, address, link_maker, shown_date
from comments import readers
from comments.models import Comment, CommentSettings
from comments.moderation import CommentForm
from comments.templatetags.comments import comment_body
from newsroom.jinja2 import render_partial
from newsroom.prepared import prepared

# Three levels show on the page (top-level, reply, reply to a reply); deeper replies are
# one "continue this thread" link away, on a page that starts at the third level.
LEVELS = 3
# Every order keeps the editors' picks first; replies always read oldest first.
SORTS = {
    "oldest": ("Oldest", ["posted_at", "pk"]),
    "newest": ("Newest", ["-posted_at", "-pk"]),
    "liked": ("Most liked", ["-like_count", "posted_at", "pk"]),
}
DEFAULT_SORT = "oldest"
PICKS_TAB = "picks"


# What a comment row carries (`values()`): the thread's shape and what readers see of it.
ROW_FIELDS = (
    "pk",
    "parent_id",
    "depth",
    "name",
    "is_by_staff",
    "is_featured",
    "posted_at",
    "body",
    "like_count",
)


@dataclass
class CommentSection:
    article: object
    comment_count: int
    pick_count: int
    page: object
    sort: str
    tab: str
    is_open: bool
    closes_at: object
    per_page: int

    @property
    def count_url(self):
        return address("comments:count", self.article.pk)

    @property
    def awaiting_url(self):
        return address("comments:awaiting_review", self.article.pk)

    @property
    def has_threads(self):
        return self.page.paginator.count > 0

    def thread_rows(self):
        """The page's threads with their replies nested (or its picks), as plain rows: one
        query."""
        start = (self.page.number - 1) * self.per_page
        found = _page_rows(self.tab, self.sort, start, self.per_page, article=self.article.pk)
        return ordered(rows(found) if self.tab else nest(rows(found)), thread_order(self.sort))

    def url(self, **params):
        """A link within the section that keeps the reader's tab and order."""
        kept = {"comments_tab": self.tab} if self.tab else {}
        if not self.tab and self.sort != DEFAULT_SORT:
            kept["comments_sort"] = self.sort
        query = urlencode({**kept, **params})
        return f"?{query}#comments" if query else "#comments"

    @property
    def previous_url(self):
        if self.page.has_previous():
            return self.url(comments_page=self.page.previous_page_number())
        return ""

    @property
    def next_url(self):
        return self.url(comments_page=self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def sort_links(self):
        """(label, link, is_current) for each order."""
        return [
            (label, "?" + urlencode({"comments_sort": key}) + "#comments", key == self.sort)
            for key, (label, _) in SORTS.items()
        ]

    @property
    def tab_links(self):
        return [
            (
                "All comments",
                f"{address('articles:article', self.article.slug)}#comments",
                not self.tab,
                self.comment_count,
            ),
            (
                "Editors' picks",
                f"?comments_tab={PICKS_TAB}#comments",
                bool(self.tab),
                self.pick_count,
            ),
        ]


def thread_order(sort):
    """The fields threads are listed by in the reader's `sort`: the editors' picks first."""
    return ["-is_featured", *SORTS[sort][1]]


@prepared
def _page_rows(tab, sort, start, count):
    """The rows of a page of the story's threads (`count` from `start` in the `sort` order)
    with all their replies, or of its editors' picks (`tab`) with the names they answer."""
    published = Comment.objects.published().filter(article=ARTICLE)
    listed = published.filter(is_featured=True) if tab else published.filter(parent=None)
    page = listed.order_by(*thread_order(sort)).values("pk")[start : start + count]
    if tab:
        return published.filter(pk__in=page).values(*ROW_FIELDS, "parent__name")
    threads = published.filter(Q(pk__in=page) | Q(root__in=page))
    return threads.order_by("posted_at", "pk").values(*ROW_FIELDS)


def comment_section(article, *, sort="", tab="", page_number=None):
    """The article's comment section for a reader who chose `sort`, `tab` and a page."""
    desk = settings_with_counts(article)
    sort = sort if sort in SORTS else DEFAULT_SORT
    tab = PICKS_TAB if tab == PICKS_TAB else ""
    total = desk.pick_total if tab else desk.thread_total
    # Already counted: the paginator numbers the pages, thread_rows() reads the threads.
    page = Paginator(range(total), desk.threads_per_page).get_page(page_number)
    return CommentSection(
        article=article,
        comment_count=desk.comment_total,
        pick_count=desk.pick_total,
        page=page,
        sort=sort,
        tab=tab,
        is_open=desk.is_thread_open(article),
        closes_at=desk.closes_at(article),
        per_page=desk.threads_per_page,
    )


def settings_with_counts(article):
    """The desk's settings with the article's comment counts, kept as a fragment under the
    thread's keys: a page renewed by a write elsewhere counts nothing again."""

    def build():
        return CommentSettings.load_with_counts(article), thread_keys(article)

    [(desk, _)] = caching.fragments({f"comment-counts:{article.pk}": build}).values()
    return desk


def thread_keys(article):
    """The page keys of the article's comment section."""
    return {f"comments:{article.pk}", "comment-settings"}


def render_section(request, section):
    """The comment area under an article, as HTML for the article page: picks, threads in the
    reader's order, the form.

    A page that is never shared (right after posting, with its message) also lists the
    reader's own held comments; shared pages get those from an uncached fetch
    (comments:awaiting_review). Returns `(html, keys)`: the page keys of what it shows.
    """
    can_feature = request.user.has_perm("comments.feature_comment")
    held = (
        Comment.objects.awaiting_review_for(readers.reader_of(request)).filter(
            article=section.article
        )
        if caching.is_private(request)
        else []
    )
    listed_html, keys = _listed(request, section, can_feature=can_feature)
    context = {
        "section": section,
        "listed_html": listed_html,
        "posted_messages": [m for m in get_messages(request) if "comment" in m.tags],
        "held_html": held
        and render_to_string("comments/_awaiting_review.html", {"comments": held}),
        "form_html": section.is_open
        and render_form(request, CommentForm(article=section.article, user=request.user)),
    }
    return render_partial("comments/_block.html", context), keys


def render_form(request, form, *, heading_level=3):
    """The comment form as HTML: under an article, and on the reply and refusal pages."""
    context = {
        "form": form,
        "user": request.user,
        "heading_level": heading_level,
        "post_url": address("comments:post", form.article.pk),
        "token_url": address("comments:token", form.article.pk),
    }
    return render_partial("comments/_form.html", context, request=request)


def _listed(request, section, *, can_feature):
    """The page's list of threads (or picks) as HTML, with its page keys.

    Kept as a fragment shared by every reader of the same page of the thread, under the
    story's comment key: it holds nobody's own parts (their held comments, messages and form
    are outside it). A moderator's list carries their CSRF token in its pick buttons, so it
    is rendered for them alone.
    """
    keys = thread_keys(section.article)
    if not section.has_threads:
        return "", keys

    def build():
        html = render_threads(
            section.thread_rows(),
            is_open=section.is_open,
            in_picks_tab=bool(section.tab),
            can_feature=can_feature,
            request=request,
        )
        return html, keys

    if can_feature:
        return build()
    parts = [section.article.pk, section.tab, section.sort, section.page.number, section.is_open]
    [(html, keys)] = caching.fragments({":".join(map(str, ["comments", *parts])): build}).values()
    return mark_safe(html), keys


def render_threads(threads, *, is_open, in_picks_tab=False, can_feature=False, request=None):
    """A list of comment threads (rows from `thread_rows()` or `continued_thread()`)."""
    context = {
        "threads": threads,
        "is_open": is_open,
        "in_picks_tab": in_picks_tab,
        "can_feature": can_feature,
    }
    return render_partial("comments/_threads.html", context, request=request)


def rows(comments):
    """Comment rows (`values()`) with what a reader sees made: URLs, the date, the body."""
    like, reply, report, feature, thread = (
        link_maker(f"comments:{name}") for name in ("like", "reply", "report", "feature", "thread")
    )
    return [
        row
        | {
            "posted": shown_date(row["posted_at"], "j M Y, H:i T"),
            "body_html": comment_body(row["body"]),
            "like_url": like(row["pk"]),
            "reply_url": reply(row["pk"]),
            "report_url": report(row["pk"]),
            "feature_url": feature(row["pk"]),
            "thread_url": thread(row["pk"]),
            "parent_url": row["parent_id"] and thread(row["parent_id"]),
        }
        for row in comments
    ]


def continued_thread(top):
    """`top` and the replies under it, three levels deep: the "continue this thread" page."""
    root = top.root_id or top.pk
    thread = Comment.objects.published().filter(Q(pk=root) | Q(root=root))
    return nest(rows(thread.order_by("posted_at", "pk").values(*ROW_FIELDS)), top=top)[0]


def nest(comments, *, top=None):
    """Hang each comment row's replies on it (`replies`), oldest first, `LEVELS` deep from
    the top; a comment at the last level counts what lies below it (`continued_count`).

    Returns the top-level rows (or `top`'s, when given); replies whose parent is not
    published are left out, since readers could not follow the conversation.
    """
    children = {}
    for comment in comments:
        comment["replies"], comment["continued_count"] = [], 0
        children.setdefault(comment["parent_id"], []).append(comment)
    first_depth = top.depth if top else 0
    by_pk = {comment["pk"]: comment for comment in comments}
    tops = [by_pk[top.pk]] if top else children.get(None, [])

    def hang(comment):
        replies = children.get(comment["pk"], [])
        if comment["depth"] - first_depth + 1 < LEVELS:
            comment["replies"] = replies
            for reply in replies:
                hang(reply)
        else:
            comment["continued_count"] = _count_below(comment["pk"], children)

    for comment in tops:
        hang(comment)
    return tops


def _count_below(pk, children):
    below = children.get(pk, [])
    return len(below) + sum(_count_below(reply["pk"], children) for reply in below)


def ordered(comments, order):
    """Sort in Python by the same fields the database paginated by."""
    comments = list(comments)
    for name in reversed(order):
        comments.sort(key=itemgetter(name.lstrip("-")), reverse=name.startswith("-"))
    return comments
