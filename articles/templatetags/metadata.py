from django import template

from articles import metadata

register = template.Library()


@register.inclusion_tag("includes/_metadata.html", takes_context=True)
def page_metadata(context, *, title=None, description=None, section=None):
    """Canonical link, Open Graph, Twitter card and JSON-LD for the page being rendered."""
    request = context["request"]
    # Numbered pages (search) or keyset pages (lists: the view has checked `before`).
    page = context.get("page_obj")
    if page and page.number > 1:
        page_query = f"page={page.number}"
    elif context.get("is_older_page"):
        page_query = f"before={request.GET['before']}"
    else:
        page_query = ""
    return metadata.for_page(
        request, title=title, description=description, page_query=page_query, section=section
    )
