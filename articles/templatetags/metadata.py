from django import template

from articles import metadata

register = template.Library()


@register.inclusion_tag("includes/_metadata.html", takes_context=True)
def page_metadata(context, *, article=None, title=None, description=None, section=None):
    """Canonical link, Open Graph, Twitter card and JSON-LD for the page being rendered."""
    request = context["request"]
    if article is not None:
        return metadata.for_article(request, article)
    page = context.get("page_obj")
    return metadata.for_page(
        request,
        title=title,
        description=description,
        page_number=page.number if page else 1,
        before=request.GET.get("before") if context.get("is_older_page") else None,
        section=section,
    )
