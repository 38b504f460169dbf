"""Jinja2, Django's second template engine, for the reader pages: the hot path of a miss.

Reader views hand their templates page objects (articles/pages.py) whose URLs and dates are
already made, so the environment needs only a few helpers. Templates live in
templates/jinja2/; every other page (the admin, the comment desk, forms, errors) stays on
Django's template language.
"""

from functools import lru_cache

from django.template import engines
from django.template.backends.utils import csrf_input_lazy
from django.template.defaultfilters import date, linebreaksbr, pluralize, truncatechars
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from jinja2 import Environment

from articles.search import highlight


# Bounded: templates name fixed pages today, but a template that passed a story's slug must
# not grow the cache with the archive.
@lru_cache(maxsize=256)
def _url(name, args, script_prefix):
    return reverse(name, args=args)


def url(name, *args):
    """reverse(), remembered: the masthead's and footer's links are the same on every page."""
    return _url(name, args, get_script_prefix())


# The manifest of hashed names is fixed for the life of the process; looking a name up costs
# ~0.1 ms, three times a page. Bounded like _url().
cached_static = lru_cache(maxsize=256)(static)


def environment(**options):
    env = Environment(**options)
    env.globals.update(static=cached_static, url=url)
    env.filters.update(
        date=date,
        highlight=highlight,
        linebreaksbr=linebreaksbr,
        pluralize=pluralize,
        truncatechars=truncatechars,
    )
    return env


def render_partial(name, context, request=None):
    """A part of a reader page (a comment block, a list of threads) as safe HTML, for the page
    that shows it. Context processors are for whole pages: the masthead's query runs once a
    page, not once a part. With `request`, forms in the part get its CSRF token."""
    if request is not None:
        context = {**context, "csrf_input": csrf_input_lazy(request)}
    return mark_safe(engines["jinja2"].env.get_template(name).render(context))
