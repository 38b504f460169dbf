"""The body editor: writers type Markdown, which stays what is stored, with a toolbar, a
live side-by-side preview, a word count and a reading time.

The preview is the server's: `body_preview` renders the text with the renderer and sanitiser
readers' pages use, so what the writer sees is what readers will get, never a second
Markdown dialect in the browser. The toolbar is GitHub's markdown-toolbar-element (pinned in
package.json, committed under static/vendor/); neither it nor static/desk/editor.js writes
inline script or style, so it runs under the site's strict Content-Security-Policy. Without
JavaScript the field is the plain textarea it always was.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.rendering import body_statistics, render_markdown, with_pictures


class BodyEditor(forms.Textarea):
    template_name = "desk/widgets/body_editor.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 24, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(
            css={"all": ["desk/editor.css"]},
            js=[
                forms.Script("vendor/markdown-toolbar-element/index.js", type="module"),
                forms.Script("desk/editor.js", defer=True),
            ],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = reverse("desk:body_preview")
        context["widget"]["statistics"] = body_statistics(render_markdown(value or ""))
        return context


@require_POST
def body_preview(request):
    """The body as readers would get it, with its word count and reading time, as JSON."""
    if not request.user.has_perms(["articles.view_article"]):
        raise PermissionDenied
    html = render_markdown(request.POST.get("body", ""))
    return JsonResponse({"html": with_pictures(html), **body_statistics(html)})
