"""The articles app's models, one module per job; import them from here."""

from articles.models.content import (
    COMMON_TAG_STORIES,
    Article,
    Author,
    Byline,
    ModerationMode,
    RelatedStory,
    Section,
    Source,
)
from articles.models.desk import Desk, EditorialEvent
from articles.models.history import (
    Correction,
    CorrectionKind,
    PreviewAccess,
    PreviewLink,
    Revision,
    SlugRedirect,
)
from articles.models.media import BodyImage
from articles.models.notifications import Notification, NotificationKind, NotificationOptOut
from articles.models.search import ArticleSearchEntry, FullTextMatch, FullTextMatchField
from articles.models.states import VISIBLE_STATUSES, ArticleStatus, EditorialAction

__all__ = [
    "COMMON_TAG_STORIES",
    "VISIBLE_STATUSES",
    "Article",
    "ArticleSearchEntry",
    "ArticleStatus",
    "Author",
    "Byline",
    "Correction",
    "CorrectionKind",
    "Desk",
    "EditorialAction",
    "EditorialEvent",
    "FullTextMatch",
    "FullTextMatchField",
    "ModerationMode",
    "Notification",
    "NotificationKind",
    "NotificationOptOut",
    "PreviewAccess",
    "PreviewLink",
    "BodyImage",
    "RelatedStory",
    "Revision",
    "Section",
    "SlugRedirect",
    "Source",
]
