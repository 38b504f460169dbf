"""Measure every reader page type and write the figures into BENCHMARKS.md.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/run.py --http --write

For each page type: the number of queries, the in-process render time (median and 95th
percentile over --repeat requests, uncached and cached), and with --http the throughput and
latency through gunicorn (one sync worker pinned to core 0) under wrk (pinned to core 1) for
--duration seconds per page, uncached and cached, plus 304 answers and a static file for
comparison. Run bench/generate.py on the same database first.
"""

import argparse
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

BENCHMARKS = ROOT / "BENCHMARKS.md"
# The pages the uncached targets name, measured side by side with --against.
AGAINST_PAGES = ("home", "article, 20 comments", "article, 200 comments")


def page_urls():
    """(page type, URL) for every page type the site has, resolved against the database."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Author, Section

    def url(name, *args):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None  # that page type has not been built yet

    busiest_section = (
        Section.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)
    )[:1]
    busiest_tag = (
        Tag.objects.annotate(n=Count("taggit_taggeditem_items"))
        .order_by("-n")
        .values_list("slug", flat=True)
    )[:1]
    author = Author.objects.order_by("slug").values_list("slug", flat=True)[:1]
    pages = []
    if busiest_section:
        section_url = url("articles:section", busiest_section[0])
        pages += [("section p1", section_url), deep_section_page(busiest_section[0], section_url)]
    if busiest_tag:
        pages.append(("tag", url("articles:tag", busiest_tag[0])))
    if author:
        pages.append(("author", url("articles:author", author[0])))
    pages.insert(0, ("home", url("articles:home")))
    for slug in Article.objects.filter(slug__startswith="bench-comments-").values_list(
        "slug", flat=True
    ):
        pages.append((f"article, {slug.rsplit('-', 1)[1]} comments", url("articles:article", slug)))
    pages += search_pages(url("articles:search"))
    newest = Article.objects.published().newest_first().values_list("published_at", flat=True)
    latest_month = newest and f"articles-{timezone.localtime(newest[0]):%Y-%m}"
    pages += [
        ("feed (RSS)", url("articles:feed_rss")),
        ("sitemap index", url("articles:sitemap_index")),
        ("sitemap, latest month", latest_month and url("articles:sitemap", latest_month)),
        ("news sitemap", url("articles:sitemap_news")),
    ]
    return [(label, address) for label, address in pages if address]


def search_pages(search_url):
    """Searches as readers make them: a rare name (a dozen stories), the most famous name
    (about one story in eight) and a word in every story, which ranks the whole archive."""
    from bench.generate import WORDS, place_names

    names = place_names()
    queries = [
        ("rare name", names[len(names) // 2]),
        ("common name", names[0]),
        ("every story", WORDS[0]),
    ]
    return [
        (f"search, {kind}", f"{search_url}?{urllib.parse.urlencode({'q': words})}")
        for kind, words in queries
    ]


def deep_section_page(slug, section_url, page=500):
    """Page 500 of a section, reached as a reader would: by the "Older stories" link of page
    499, which names the last story on it. A small archive gives its deepest page instead."""
    from articles.models import Article
    from articles.views import LIST_PAGE_SIZE

    stories = Article.objects.published().filter(section__slug=slug).newest_first()
    page = max(2, min(page, (stories.count() - 1) // LIST_PAGE_SIZE + 1))
    last_seen = stories.values_list("pk", flat=True)[(page - 1) * LIST_PAGE_SIZE - 1]
    return f"section p{page}", f"{section_url}?before={last_seen}"


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_in_process(pages, repeat):
    """Queries and render times through Django's test client, uncached and cached."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    results = {}
    for cached in (False, True):
        with override_settings(READER_CACHE_SECONDS=3600 if cached else 0):
            client = Client(SERVER_NAME="localhost")
            for label, url in pages:
                row = results.setdefault(label, {"url": url})
                client.get(url)  # warm up: content version, template and content-type caches
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{label}: {url} answered {response.status_code}")
                if not cached:
                    row["queries"] = len(queries)
                samples, cpu = [], []
                for _ in range(repeat):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    client.get(url)
                    samples.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - cpu_started) * 1000)
                key = "cached" if cached else "uncached"
                row[key] = (statistics.median(samples), percentile(samples, 0.95))
                row[f"{key} cpu"] = statistics.median(cpu)
    return results


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, cached, root=ROOT, env=None):
    """One sync worker pinned to core 0, serving the checkout at `root` (this one by default),
    with `env` added to this process's environment."""
    cache_seconds = "3600" if cached else "0"
    env = dict(os.environ, WEB_CONCURRENCY="1", READER_CACHE_SECONDS=cache_seconds, **(env or {}))
    command = [
        "taskset",
        "-c",
        "0",
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(root / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    server = subprocess.Popen(command, cwd=root, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 seconds")


def worker_pid(server):
    """The gunicorn worker: the master's one child."""
    return Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0]


def worker_rss_kb(server):
    status = Path(f"/proc/{worker_pid(server)}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def worker_cpu_seconds(server):
    """CPU time the worker has used: unlike wall time, other processes on the core don't
    inflate it, so requests per CPU-second says what one uncontended core would serve."""
    fields = Path(f"/proc/{worker_pid(server)}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, duration, server, headers=(), script=None):
    """Requests per second and latency median/99th percentile (ms) under wrk on core 1, and
    requests per second of the worker's CPU time."""
    command = ["taskset", "-c", "1", "wrk", "-t1", "-c8", f"-d{duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    cpu_before = worker_cpu_seconds(server)
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 30
    ).stdout
    figures = parse_wrk(output)
    cpu = worker_cpu_seconds(server) - cpu_before
    figures["per_cpu_second"] = figures["requests"] / cpu if cpu else 0
    return figures


def parse_wrk(output):
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))

    def latency(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rate": rate,
        "p50": latency(50),
        "p99": latency(99),
        "requests": total,
        "errors": errors.group(0) if errors else "",
    }


def measure_http(pages, duration):
    """Throughput and latency through one gunicorn sync worker, uncached then cached."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    results, extras = {}, {}
    for cached in (False, True):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(port, cached)
        try:
            key = "http cached" if cached else "http uncached"
            for label, url in pages:
                urllib.request.urlopen(base + url).read()  # warm the cache and the worker
                results.setdefault(label, {})[key] = wrk(base + url, duration, server)
            if cached:
                article = next(url for label, url in pages if label.startswith("article"))
                etag = urllib.request.urlopen(base + article).headers["ETag"]
                extras["304 (article, If-None-Match)"] = wrk(
                    base + article, duration, server, headers=[f"If-None-Match: {etag}"]
                )
                static = base + staticfiles_storage.url("css/site.css")
                extras["static file (WhiteNoise)"] = wrk(static, duration, server)
            extras[f"worker memory, {key}"] = worker_rss_kb(server)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return results, extras


def measure_memory(pages, total=10_000, rounds=5):
    """The worker's resident memory while it serves `total` uncached requests spread over
    every page type (wrk cycles through them with a Lua script): one sample per round."""
    import tempfile

    paths = ", ".join(f'"{url}"' for _label, url in pages)
    script = (
        f"paths = {{{paths}}}\ni = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, cached=False)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        try:
            for _label, url in pages:
                urllib.request.urlopen(base + url).read()
            samples, served, errors = [(0, worker_rss_kb(server))], 0, []
            # Each round lasts long enough for its share of requests at the rate seen so far.
            rate, round_seconds = None, 10
            while served < total:
                figures = wrk(base + "/", round_seconds, server, script=lua.name)
                served += figures["requests"]
                errors += [figures["errors"]] if figures["errors"] else []
                samples.append((served, worker_rss_kb(server)))
                rate = figures["rate"]
                round_seconds = max(5, int(total / rounds / max(rate, 1)) + 1)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"samples": samples, "errors": errors}


def memory_report(figures):
    samples = " → ".join(f"{rss / 1024:.1f} MiB at {n:,}" for n, rss in figures["samples"])
    return (
        "\n\n### Worker memory over 10,000 uncached requests (reader pages in turn)\n\n"
        f"{samples} requests; errors: {', '.join(figures['errors']) or 'none'}"
    )


def measure_against(pages, other_root, duration, rounds=3):
    """Uncached throughput of this checkout and `other_root` (e.g. a `git worktree` of the
    previous release) on the same database, interleaved page by page and round by round so
    that a noisy machine weighs on both alike. The best round of each counts."""
    results = {}
    for _round in range(rounds):
        for label, url in pages:
            for name, root in (("this", ROOT), ("previous", other_root)):
                port = free_port()
                server = start_gunicorn(port, cached=False, root=root)
                try:
                    base = f"http://127.0.0.1:{port}"
                    for _ in range(3):  # warm up: templates, connection, content-type cache
                        urllib.request.urlopen(base + url).read()
                    figures = wrk(base + url, duration, server)
                finally:
                    server.terminate()
                    server.wait(timeout=30)
                best = results.setdefault(label, {}).get(name)
                if best is None or figures["per_cpu_second"] > best["per_cpu_second"]:
                    results[label][name] = figures
    return results


def against_report(results, other_root, duration, rounds):
    lines = [
        f"\n\n### Uncached, side by side with the previous release ({other_root})\n",
        f"One gunicorn sync worker on core 0, wrk on core 1 for {duration} s, the two checkouts"
        f" interleaved page by page over {rounds} rounds; best round of each. CPU ms is the"
        " worker's own CPU time per request, which other processes on the core do not inflate.\n",
        "| page | previous req/s [CPU ms] | this req/s [CPU ms] | speed-up (CPU) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, pair in results.items():
        before, after = pair["previous"], pair["this"]
        lines.append(
            f"| {label} | {before['rate']:.0f} [{1000 / before['per_cpu_second']:.1f}] |"
            f" {after['rate']:.0f} [{1000 / after['per_cpu_second']:.1f}] |"
            f" {after['per_cpu_second'] / before['per_cpu_second']:.2f}× |"
        )
    return "\n".join(lines)


def measure_mixed(duration, readers=50, publish_every=5):
    """Readers on the home page while an editor publishes every few seconds and a reader
    posts comments: errors, and whether any page was stale right after a publish.

    Needs REDIS_URL: the editor writes from this process, and only a shared cache carries
    the new content version to the gunicorn worker.
    """
    import threading

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from articles.models import Article, Section

    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        raise SystemExit("--mixed needs REDIS_URL: the editor and the server must share a cache")
    # The benchmark's own cache: rate-limit counts left by an earlier run would refuse
    # this run's comments.
    cache.clear()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, cached=True)
    figures = {"publishes": 0, "stale": 0, "comments": 0, "comment errors": 0}
    stop = threading.Event()

    def comment_on_lead():
        posted = 0
        while not stop.is_set():
            html = urllib.request.urlopen(base + "/").read().decode()
            lead = re.search(r'href="(/article/[^"]+/)"', html).group(1)
            page = urllib.request.urlopen(base + lead).read().decode()
            form = re.search(
                r'<form class="comment-form"[^>]*action="([^"]+)".*?name="token" value="([^"]+)"',
                page,
                re.S,
            )
            # Every reader posts from this one address: the network's rate limit (one post
            # in 10 s) paces them. The form itself refuses posts sent within 3 s.
            stop.wait(10.5)
            posted += 1
            data = urllib.parse.urlencode(
                {
                    "name": "Bench Reader",
                    "email": f"bench{posted}@example.org",
                    "token": form.group(2),
                    "body": "A comment posted while the benchmark reads the site.",
                }
            ).encode()
            try:
                request = urllib.request.Request(base + form.group(1), data=data)
                urllib.request.build_opener(NoRedirect).open(request)
                figures["comment errors"] += 1  # 200 means the form came back refused
            except urllib.error.HTTPError as answer:
                key = "comments" if answer.code == 302 else "comment errors"
                figures[key] += 1

    try:
        rss_before = worker_rss_kb(server)
        load = subprocess.Popen(
            [
                "taskset",
                "-c",
                "1",
                "wrk",
                "-t1",
                f"-c{readers}",
                f"-d{duration}s",
                "--timeout",
                "10s",  # a reader waits this long before calling it an error
                "--latency",
                base + "/",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        commenter = threading.Thread(target=comment_on_lead)
        commenter.start()
        section = Section.objects.first()
        deadline = time.monotonic() + duration - publish_every
        while time.monotonic() < deadline:
            time.sleep(publish_every)
            article = Article.objects.create(
                headline=f"Breaking at {time.time_ns()}",
                section=section,
                body="Filed during the benchmark.",
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            figures["publishes"] += 1
            for url in ("/", section.get_absolute_url()):
                if article.headline not in urllib.request.urlopen(base + url).read().decode():
                    figures["stale"] += 1
        output = load.communicate(timeout=duration + 30)[0]
        stop.set()
        commenter.join()
        figures["rss"] = (rss_before, worker_rss_kb(server))
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    figures["wrk"] = parse_wrk(output)
    return figures


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def archive_size():
    from articles.models import Article
    from comments.models import Comment

    return {
        "published articles": Article.objects.published().count(),
        "comments": Comment.objects.count(),
    }


def table(results, extras, http):
    head = (
        "| page | queries | uncached median / p95 ms [CPU ms] | cached median / p95 ms [CPU ms] |"
    )
    rule = "| --- | ---: | ---: | ---: |"
    if http:
        head += (
            " uncached req/s (p50 / p99 ms) [req per CPU-s] |"
            " cached req/s (p50 / p99 ms) [req per CPU-s] |"
        )
        rule += " ---: | ---: |"
    lines = [head, rule]

    def served(figures):
        errors = f", {figures['errors']}" if figures["errors"] else ""
        return (
            f"{figures['rate']:.0f} ({figures['p50']:.1f} / {figures['p99']:.1f})"
            f" [{figures['per_cpu_second']:.0f}]{errors}"
        )

    for label, row in results.items():
        line = (
            f"| {label} | {row['queries']} | {row['uncached'][0]:.1f} / {row['uncached'][1]:.1f}"
            f" [{row['uncached cpu']:.1f}] | {row['cached'][0]:.2f} / {row['cached'][1]:.2f}"
            f" [{row['cached cpu']:.2f}] |"
        )
        if http:
            line += f" {served(row['http uncached'])} | {served(row['http cached'])} |"
        lines.append(line)
    for label, figures in extras.items():
        if isinstance(figures, dict):
            lines.append(f"\n{label}: {served(figures)} req/s (p50 / p99 ms) [req per CPU-s]")
        else:
            lines.append(f"\n{label}: {figures / 1024:.0f} MiB resident after its runs")
    return "\n".join(lines)


def write_section(text, vendor):
    """Replace this database's section of BENCHMARKS.md, keeping everything else."""
    start, end = f"<!-- bench:{vendor}:start -->", f"<!-- bench:{vendor}:end -->"
    current = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}\n{end}"
    if start in current:
        current = re.sub(
            re.escape(start) + ".*?" + re.escape(end), lambda _: block, current, flags=re.S
        )
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(current)


def mixed_report(figures, duration, readers):
    wrk_figures = figures["wrk"]
    before, after = figures["rss"]
    return (
        f"\n\n### {readers} readers for {duration} s while an editor publishes every 5 s\n\n"
        f"- home page: {wrk_figures['requests']:,} requests, {wrk_figures['rate']:.0f} req/s, "
        f"p50 {wrk_figures['p50']:.1f} ms, p99 {wrk_figures['p99']:.1f} ms, errors: "
        f"{wrk_figures['errors'] or 'none'}\n"
        f"- {figures['publishes']} publishes, {figures['stale']} stale home or section pages "
        f"right after one\n"
        f"- {figures['comments']} comments posted through the cached article page's form, "
        f"{figures['comment errors']} refused or failed\n"
        f"- worker memory {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after"
    )


def run(*, repeat=30, http=False, duration=10, mixed=0, against=None, write=False, out=print):
    import django

    django.setup()
    from django.db import connection

    pages = page_urls()
    results = measure_in_process(pages, repeat)
    extras = {}
    if http:
        http_results, extras = measure_http(pages, duration)
        for label, figures in http_results.items():
            results[label].update(figures)
    mixed_text = ""
    if http:
        # The pages readers hit most; search and sitemaps would make 10,000 take an hour.
        reader_pages = [page for page in pages if not page[0].startswith(("search", "sitemap"))]
        mixed_text += memory_report(measure_memory(reader_pages))
    if mixed:
        mixed_text += mixed_report(measure_mixed(mixed), mixed, readers=50)
    if against:
        compared = [page for page in pages if page[0] in AGAINST_PAGES]
        mixed_text += against_report(
            measure_against(compared, Path(against), duration), against, duration, rounds=3
        )
    vendor = connection.vendor
    command = " ".join(shlex.quote(arg) for arg in sys.argv)
    sizes = ", ".join(f"{n:,} {what}" for what, n in archive_size().items())
    text = (
        f"## {vendor}: {sizes}\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{repeat} in-process requests per page"
        + (f", wrk for {duration} s per page (1 thread, 8 connections)" if http else "")
        + f".\n\n```sh\nDATABASE_URL={os.environ.get('DATABASE_URL', '(default)')} "
        f"python {command}\n```\n\n" + table(results, extras, http) + mixed_text
    )
    out(text)
    if write:
        write_section(text, vendor)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="in-process requests per page")
    parser.add_argument("--http", action="store_true", help="also measure through gunicorn")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument(
        "--mixed", type=int, default=0, metavar="SECONDS", help="readers+editor run (REDIS_URL)"
    )
    parser.add_argument(
        "--against",
        metavar="DIR",
        help="another checkout (the previous release) to measure uncached beside this one",
    )
    parser.add_argument("--write", action="store_true", help="write the table to BENCHMARKS.md")
    args = parser.parse_args(argv)
    run(
        repeat=args.repeat,
        http=args.http,
        duration=args.duration,
        mixed=args.mixed,
        against=args.against,
        write=args.write,
    )


if __name__ == "__main__":
    main()
