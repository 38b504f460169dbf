"""The comment section readers see: threads in the chosen order, nested three levels deep.

`comment_section()` makes the page object the article's comment block renders: one query for
the settings and counts, one for the page's threads with all their replies (however deep),
and nothing while the template renders.
"""

from dataclasses import dataclass
from operator import attrgetter

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.http import urlencode

from comments.models import Comment, CommentSettings

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


@dataclass
class CommentSection:
    article: object
    comment_count: int
    pick_count: int
    threads: list
    page: object
    sort: str
    tab: str
    is_open: bool
    closes_at: object

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
                f"{self.article.get_absolute_url()}#comments",
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


def comment_section(article, *, sort="", tab="", page_number=None):
    """The article's comment section for a reader who chose `sort`, `tab` and a page."""
    desk = CommentSettings.load_with_counts(article)
    sort = sort if sort in SORTS else DEFAULT_SORT
    tab = PICKS_TAB if tab == PICKS_TAB else ""
    published = Comment.objects.published().filter(article=article)
    order = ["-is_featured", *SORTS[sort][1]]
    if tab == PICKS_TAB:
        listed, total = published.filter(is_featured=True), desk.pick_total
    else:
        listed, total = published.filter(parent=None), desk.thread_total
    per_page = desk.threads_per_page
    paginator = Paginator(listed.order_by(*order), per_page)
    paginator.count = total  # Already counted: no second COUNT query.
    page = paginator.get_page(page_number)
    # Sliced by hand so that the query runs (and is counted) even when there are none.
    start = (page.number - 1) * per_page
    listed_ids = listed.order_by(*order).values("pk")[start : start + per_page]
    if tab == PICKS_TAB:
        rows = list(published.filter(pk__in=listed_ids).select_related("parent"))
        threads = ordered(rows, order)
    else:
        rows = published.filter(Q(pk__in=listed_ids) | Q(root__in=listed_ids))
        threads = ordered(nest(rows.order_by("posted_at", "pk")), order)
    return CommentSection(
        article=article,
        comment_count=desk.comment_total,
        pick_count=desk.pick_total,
        threads=threads,
        page=page,
        sort=sort,
        tab=tab,
        is_open=desk.is_thread_open(article),
        closes_at=desk.closes_at(article),
    )


def continued_thread(top):
    """`top` and the replies under it, three levels deep: the "continue this thread" page."""
    thread = Comment.objects.published().filter(
        Q(pk=top.root_id or top.pk) | Q(root=top.root_id or top.pk)
    )
    return nest(thread.order_by("posted_at", "pk"), top=top)[0]


def nest(comments, *, top=None):
    """Hang each comment's replies on it (`thread_replies`), oldest first, `LEVELS` deep from
    the top; a comment at the last level counts what lies below it (`continued_count`).

    Returns the top-level comments (or `top`, when given); replies whose parent is not
    published are left out, since readers could not follow the conversation.
    """
    comments = list(comments)
    children = {}
    for comment in comments:
        comment.thread_replies, comment.continued_count = [], 0
        children.setdefault(comment.parent_id, []).append(comment)
    first_depth = top.depth if top else 0
    by_pk = {comment.pk: comment for comment in comments}
    tops = [by_pk.get(top.pk, top)] if top else children.get(None, [])

    def hang(comment):
        replies = children.get(comment.pk, [])
        if comment.depth - first_depth + 1 < LEVELS:
            comment.thread_replies = replies
            for reply in replies:
                hang(reply)
        else:
            comment.continued_count = _count_below(comment.pk, children)

    for comment in tops:
        hang(comment)
    return tops


def _count_below(pk, children):
    below = children.get(pk, [])
    return len(below) + sum(_count_below(reply.pk, children) for reply in below)


def ordered(comments, order):
    """Sort in Python by the same fields the database paginated by."""
    comments = list(comments)
    for name in reversed(order):
        comments.sort(key=attrgetter(name.lstrip("-")), reverse=name.startswith("-"))
    return comments
