"""Reader-side comment views: post, reply and report. The desk's views are in desk.py."""

from django.contrib import messages
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from comments import moderation
from comments.forms import ReportForm
from comments.models import Comment, CommentSettings
from newsroom.login_guard import client_address


@csrf_exempt  # The pipeline's first phase checks CSRF itself, so that a failure keeps the text.
@require_POST
def post_comment(request, article_id):
    """Run the reader's comment through the pipeline and tell them exactly what happened."""
    article = get_object_or_404(
        Article.objects.published().select_related("section"), pk=article_id
    )
    form = moderation.CommentForm(request.POST, article=article, user=request.user)
    outcome = moderation.submit(form, ip=client_address(request), is_csrf_ok=_is_csrf_ok(request))
    if outcome.is_accepted:
        messages.success(request, outcome.message)
        anchor = "comments" if outcome.is_held else f"comment-{outcome.comment.pk}"
        return redirect(f"{article.get_absolute_url()}#{anchor}")
    response = render(
        request,
        "comments/comment_form_page.html",
        {"refusal": outcome.message, "form": form},
        status=outcome.http_status,
    )
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


@never_cache
@require_GET
def form_token(request, article_id):
    """A comment-form token for this reader alone, issued now (static/comments/form-token.js
    fetches it when the page opens). No query: the post checks the article."""
    return JsonResponse({"token": moderation.issue_form_token(Article(pk=article_id))})


def reply(request, comment_id):
    """The reply form under a published top-level comment (no JavaScript needed)."""
    parent = get_object_or_404(
        Comment.objects.published().select_related("article__section"),
        pk=comment_id,
        parent=None,
        article__in=Article.objects.published(),
    )
    article = parent.article
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "form": moderation.CommentForm(article=article, user=request.user, reply_to=parent),
            "is_closed": not CommentSettings.load().is_thread_open(article),
        },
    )


@require_http_methods(["GET", "POST"])
def report(request, comment_id):
    """Let a reader report a published comment, once."""
    comment = get_object_or_404(
        Comment.objects.published().select_related("article"),
        pk=comment_id,
        article__in=Article.objects.published(),
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report(
                comment=comment,
                reader_key=_reader_key(request),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Thank you: the moderators will look at this comment.")
        except moderation.AlreadyReported as refusal:
            messages.info(request, str(refusal))
        return redirect(comment.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"comment": comment, "form": form}
    return render(request, "comments/report.html", context, status=status)


def _is_csrf_ok(request):
    """Logged-in visitors' forms carry a CSRF token, checked here. Anonymous readers get the
    article page from the shared cache (articles/caching.py), which can hold no visitor's
    token; for them the signed form token does the integrity job, and a forged post gains
    nothing from a visitor who has no account to act as."""
    if not request.user.is_authenticated:
        return True
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _reader_key(request):
    """Who is reporting: their account, else their session (created if they have none)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"
