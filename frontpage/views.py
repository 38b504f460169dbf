"""The editors' front page desk: arrange a draft, preview it as readers will see it, publish
it. Behind the admin's login (staff only, never cached) and the `arrange_front_page`
permission."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from articles.views import HomeView
from frontpage import publishing
from frontpage.forms import Arrangement
from frontpage.models import Layout

ARRANGE = "frontpage.arrange_front_page"


@permission_required(ARRANGE, raise_exception=True)
def edit(request):
    """The draft's choosers: "Save draft" keeps it, "Preview" shows it, "Publish front page"
    puts it live."""
    layout = publishing.draft()
    arrangement = Arrangement(layout, request.POST or None)
    if request.method == "POST":
        if arrangement.is_valid():
            publishing.save_draft(layout=layout, **arrangement.changes())
            if "_publish" in request.POST:
                publishing.publish(by=request.user)
                messages.success(request, "The front page is published: readers see it now.")
                return redirect("frontpage:edit")
            if "_preview" in request.POST:
                return redirect("frontpage:preview")
            messages.success(request, "Draft saved. Readers still see the published front page.")
            return redirect("frontpage:edit")
        messages.error(request, "Nothing was saved: see the fields marked below.")
    return TemplateResponse(
        request,
        "frontpage/edit.html",
        {
            **admin.site.each_context(request),
            "title": "Front page",
            "arrangement": arrangement,
            "media": arrangement.media,
            "live": Layout.objects.live().select_related("published_by").first(),
        },
    )


class DraftHomeView(HomeView):
    """The real home page with the editors' draft instead of the live arrangement."""

    template_name = "frontpage/preview.html"

    def get_layout(self):
        # No draft yet: the draft would start as the live front page.
        return Layout.objects.drafts().first() or Layout.objects.live().first()

    def shown(self):
        # Built for each preview, never from or into the readers' fragment.
        shown, keys, _ = self.build_home()
        return shown, keys

    def get_context_data(self, **kwargs):
        context = super().get_context_data(edit_url=reverse("frontpage:edit"), **kwargs)
        self.page_keys = None  # Drafts are never cached: only editors see them.
        return context


preview = never_cache(permission_required(ARRANGE, raise_exception=True)(DraftHomeView.as_view()))
