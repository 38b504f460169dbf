"""Reader-side comment views: post, reply, like, report, and the small fetches the page's
script makes. The desk's views are in desk.py."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import caching
from articles.models import Article
from comments import moderation, notifications, reactions, readers, threads
from comments.forms import ReportForm
from comments.models import Comment, CommentSettings
from comments.moderation import network_of
from newsroom.login_guard import client_address


@csrf_exempt  # The pipeline's first phase checks CSRF itself, so that a failure keeps the text.
@require_POST
def post_comment(request, article_id):
    """Run the reader's comment through the pipeline and tell them exactly what happened."""
    article = get_object_or_404(
        Article.objects.published().select_related("section"), pk=article_id
    )
    form = moderation.CommentForm(request.POST, article=article, user=request.user)
    outcome = moderation.submit(
        form,
        ip=client_address(request),
        reader=readers.identify(request),
        is_csrf_ok=_is_csrf_ok(request),
    )
    if outcome.is_accepted:
        # Shown beside the form, where the reader lands, with their held comment under it;
        # the message makes that page theirs alone (articles/caching.py never shares it). A
        # published comment may sit on another page of threads: its thread's page has it.
        message = outcome.message
        if not outcome.is_held:
            thread_url = reverse("comments:thread", args=[outcome.comment.pk])
            message = format_html('{} <a href="{}">See it in its thread</a>', message, thread_url)
        messages.success(request, message, extra_tags="comment")
        response = redirect(f"{article.get_absolute_url()}#comment-status")
        return readers.remember(request, response)
    response = render(
        request,
        "comments/comment_form_page.html",
        {
            "refusal": outcome.message,
            "form": form,
            "form_html": threads.render_form(request, form, heading_level=2),
        },
        status=outcome.http_status,
    )
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return readers.remember(request, response)


@never_cache
@require_GET
def form_token(request, article_id):
    """A comment-form token for this reader alone, issued now (static/comments/form-token.js
    fetches it when the page opens). No query: the post checks the article."""
    return JsonResponse({"token": moderation.issue_form_token(Article(pk=article_id))})


def reply(request, comment_id):
    """The reply form under a published comment (no JavaScript needed)."""
    parent = get_object_or_404(
        Comment.objects.open_to_readers().select_related("article__section"), pk=comment_id
    )
    article = parent.article
    form = moderation.CommentForm(article=article, user=request.user, reply_to=parent)
    return render(
        request,
        "comments/comment_form_page.html",
        {
            "form": form,
            "form_html": threads.render_form(request, form, heading_level=2),
            "is_closed": not CommentSettings.load().is_thread_open(article),
        },
    )


@require_http_methods(["GET", "POST"])
def report(request, comment_id):
    """Let a reader report a published comment, once."""
    comment = get_object_or_404(
        Comment.objects.open_to_readers().select_related("article"), pk=comment_id
    )
    form = ReportForm(request.POST or None)
    status, refusal, retry_after = 200, "", None
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report(
                comment=comment,
                reader_key=_reader_key(request),
                ip=client_address(request),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Thank you: the moderators will look at this comment.")
        except moderation.AlreadyReported as already:
            messages.info(request, str(already))
        except moderation.TooManyReports as limited:
            status, refusal, retry_after = 429, str(limited), limited.retry_after
        if status == 200:
            return redirect(comment.get_absolute_url())
    elif form.is_bound:
        status = 400
    context = {"comment": comment, "form": form, "refusal": refusal}
    response = render(request, "comments/report.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def thread(request, comment_id):
    """A reply deep in a thread with the replies below it: "continue this thread"."""
    comment = get_object_or_404(
        Comment.objects.open_to_readers().select_related("article__section"), pk=comment_id
    )
    article = comment.article
    context = {
        "article": article,
        "comment": comment,
        "thread_html": threads.render_threads(
            [threads.continued_thread(comment)],
            is_open=CommentSettings.load().is_thread_open(article),
        ),
    }
    return render(request, "comments/thread.html", context)


@csrf_exempt  # Anonymous readers' pages are shared and carry no token; see _is_same_origin.
@require_POST
def like(request, comment_id):
    """Count the reader's like once; answers the new count to the page's script."""
    comment = get_object_or_404(Comment.objects.open_to_readers(), pk=comment_id)
    if not _is_same_origin(request):
        return HttpResponse("Likes are only accepted from this site's pages.", status=403)
    try:
        count = reactions.like(
            comment=comment,
            reader=readers.identify(request),
            network=network_of(client_address(request)),
        )
    except reactions.TooManyLikes as refusal:
        if _wants_json(request):
            return JsonResponse({"error": str(refusal)}, status=429)
        messages.error(request, str(refusal))
        count = None
    if _wants_json(request):
        response = JsonResponse({"likes": count})
    else:
        response = redirect(_back_to(request, comment))
    return readers.remember(request, response)


@require_POST
@permission_required("comments.feature_comment", raise_exception=True)
def feature(request, comment_id):
    """Make a published comment an editors' pick, or withdraw it."""
    comment = get_object_or_404(Comment.objects.published(), pk=comment_id)
    is_featured = request.POST.get("is_featured") == "on"
    if moderation.feature(comment=comment, by=request.user, is_featured=is_featured):
        done = "is now an editors' pick" if is_featured else "is no longer an editors' pick"
        messages.success(request, f"The comment by {comment.name} {done}.")
    return redirect(_back_to(request, comment))


@require_GET
def count(request, article_id):
    """The article's published comment count, for the page's "new comments" notice.

    Cached like any reader page, and renewed whenever a comment is published or taken down.
    """
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    total = CommentSettings.load_with_counts(article).comment_total
    return caching.mark(JsonResponse({"comments": total}), {f"comments:{article.pk}"})


@never_cache  # The reader's own: never stored, never shared.
@require_GET
def awaiting_review(request, article_id):
    """The reader's own comments on the article that wait for a moderator, as HTML."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    reader = readers.reader_of(request)
    comments = Comment.objects.awaiting_review_for(reader).filter(article=article)
    html = render_to_string("comments/_awaiting_review.html", {"comments": comments})
    return HttpResponse(html)


@never_cache
@require_GET
def confirm_replies(request, token):
    """The signed link in the confirmation email: reply emails may now be sent."""
    try:
        email = notifications.email_of_confirm_token(token)
    except signing.BadSignature:
        return render(request, "comments/replies.html", {"is_bad_link": True}, status=400)
    notifications.confirm(email)
    return render(request, "comments/replies.html", {"is_confirmed": True})


@csrf_exempt  # The signed token is the proof; mail clients' one-click POST has no CSRF token.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_replies(request, token):
    """Stop reply emails: a button on GET (link scanners open links), done on POST, which
    is also what a mail client's one-click unsubscribe sends (RFC 8058)."""
    try:
        email = notifications.email_of_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "comments/replies.html", {"is_bad_link": True}, status=400)
    if request.method == "POST":
        notifications.unsubscribe(email)
        return render(request, "comments/replies.html", {"is_unsubscribed": True})
    return render(request, "comments/replies.html", {"unsubscribe_url": request.path})


def _back_to(request, comment):
    """The page the reader acted from (their order and page of comments), at the comment."""
    referer = request.headers.get("Referer", "").split("#")[0]
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return f"{referer}#comment-{comment.pk}"
    return comment.get_absolute_url()


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _is_same_origin(request):
    """Browsers name the page a POST came from; another site's page may not like for a reader."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    return url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _is_csrf_ok(request):
    """Logged-in visitors' forms carry a CSRF token, checked here. Anonymous readers get the
    article page from the shared cache (articles/caching.py), which can hold no visitor's
    token; for them the signed form token does the integrity job, and a forged post gains
    nothing from a visitor who has no account to act as."""
    if not request.user.is_authenticated:
        return True
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _reader_key(request):
    """Who is reporting: their account, else the reader cookie they got by commenting, else
    their address (so that cookie-less clients from one address are one reader)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if reader := readers.reader_of(request):
        return f"reader:{reader}"
    return f"address:{moderation.reporter_address(client_address(request))}"
