"""The desk's own pages (the queue, the calendar, revisions, presence, preview links), with
their views and URLs; ArticleAdmin keeps the article list and the change form."""
