"""The replay benchmark: readers over a big archive while the desk writes (issue 14).

    DATABASE_URL=sqlite:////tmp/replay.sqlite3 python bench/generate.py --migrate \\
        --articles 20000 --comments 20000
    DATABASE_URL=sqlite:////tmp/replay.sqlite3 python bench/replay.py --seconds 60 --write

Three runs of --seconds each against one gunicorn sync worker (pinned to core 0, the readers
on core 1), each starting with empty caches, then, not counted: with --prime every page
read once (a site in production, whose caches hold every page), with --warm N N seconds of
readers alone:

  whole-site  every write renews every page, as the previous release's one content version did
  keys        a write renews only the pages that show what it changed (articles/caching.py)
  varnish     keys, with Varnish (deploy/varnish.vcl) in front, purged by key after each write

Readers: --readers threads in a closed loop, 90% story pages chosen Zipf-like by recency
(the newest read most), 5% the home page, 5% a section page. The desk: an editor publishes
a story every 10 s, moderators approve a held comment every 2 s on a story the readers
chose. Right after each write, every page it touched is read through the same front and
counted stale if it lacks the change. Caches are SQLite files under CACHE_DIR unless REDIS_URL
is set. Never run it against a database you care about: it adds stories and comments.
"""

import argparse
import http.client
import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("CACHE_DIR", str(ROOT / "var" / "bench" / "replay-cache"))

PUBLISH_EVERY = 10
APPROVE_EVERY = 2
ZIPF_S = 1.1


def wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args} stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{process.args} did not start")


def start_varnish(backend_port, port, workdir, memory):
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    (workdir / "replay.vcl").write_text(
        vcl.replace('.port = "8000";', f'.port = "{backend_port}";')
    )
    command = ["taskset", "-c", "1", "varnishd", "-F", "-a", f"127.0.0.1:{port}"]
    command += ["-f", str(workdir / "replay.vcl"), "-n", str(workdir / "n")]
    command += ["-s", f"malloc,{memory}"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, server)
    time.sleep(2)  # the child starts after the manager listens
    return server


def clear_caches():
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()


class Front:
    """Where readers send requests: keeps one keep-alive connection per thread."""

    def __init__(self, port):
        self.port, self.local = port, threading.local()

    def get(self, path):
        connection = getattr(self.local, "connection", None)
        for _ in range(2):
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.local.connection = connection
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = self.local.connection = None
        raise RuntimeError(f"no answer for {path}")


def story_paths():
    """Published stories, newest first: readers read the new ones most."""
    from articles.models import Article, Section

    stories = list(
        Article.objects.published().newest_first().values_list("slug", "section__slug", "pk")
    )
    sections = list(Section.objects.featured().values_list("slug", flat=True))
    return stories, sections


def zipf_weights(count):
    return list(itertools.accumulate(1 / (rank**ZIPF_S) for rank in range(1, count + 1)))


def read_loop(front, stories, weights, sections, counting, stop, tally, lock, seed):
    rng = random.Random(seed)
    local = {"requests": 0, "app": 0, "page_hits": 0, "varnish_hits": 0}
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.05:
            path = "/"
        elif roll < 0.10:
            path = f"/section/{rng.choice(sections)}/"
        else:
            slug = rng.choices(stories, cum_weights=weights)[0][0]
            path = f"/article/{slug}/"
        _, headers, _ = front.get(path)
        if not counting.is_set():  # warming the caches up
            continue
        local["requests"] += 1
        if headers.get("X-Varnish-Cache") == "hit":
            local["varnish_hits"] += 1
            continue
        local["app"] += 1
        local["page_hits"] += headers.get("X-Cache") == "hit"
    with lock:
        for key, value in local.items():
            tally[key] += value


class Desk:
    """The editor and the moderators, writing through the ORM as the admin would."""

    def __init__(self, stories, weights, whole_site, seed):
        from django.contrib.auth import get_user_model

        from articles.models import Author, Section

        self.rng = random.Random(seed)
        self.stories, self.weights, self.whole_site = stories, weights, whole_site
        self.sections = list(Section.objects.featured())
        self.author = Author.objects.order_by("pk").first()
        self.moderator, _ = get_user_model().objects.get_or_create(
            username="replay-moderator", defaults={"is_staff": True}
        )
        self.serial = itertools.count(1)

    def renew_all_if_whole_site(self):
        from articles import caching

        if self.whole_site:  # the previous release: one version for the whole site
            caching.changed({"site"})

    def publish(self):
        """A new story; returns the pages it must now be on, and the words to find there."""
        from django.utils import timezone

        from articles.models import Article, Byline

        n = next(self.serial)
        headline = f"Replay story {n} {self.rng.randrange(10**6)}"
        section = self.rng.choice(self.sections)
        article = Article.objects.create(
            headline=headline, dek="A replayed story.", body="Replayed body.", excerpt="Replay.",
            section=section, status=Article.Status.PUBLISHED, published_at=timezone.now(),
        )  # fmt: skip
        Byline.objects.create(article=article, author=self.author)
        self.renew_all_if_whole_site()
        return headline, ["/", f"/section/{section.slug}/", article.get_absolute_url()]

    def approve(self):
        from comments.models import Comment
        from comments.moderation import decide

        # A story whose first page of comments has room: the new one shows there.
        slug = "bench-comments-"
        while slug.startswith("bench-comments-"):
            slug, _, pk = self.rng.choices(self.stories, cum_weights=self.weights)[0]
        body = f"Replayed comment {next(self.serial)} {self.rng.randrange(10**6)}"
        held = Comment.objects.create(
            article_id=pk, name="Replay reader", email="replay@example.org", body=body,
            status=Comment.Status.PENDING, rule="pre_moderation",
        )  # fmt: skip
        decide(comment=held, by=self.moderator, action="approve", revision=held.revision)
        self.renew_all_if_whole_site()
        return body, [f"/article/{slug}/"]


def prime(front, stories, sections, readers):
    """Read every page once, `readers` at a time."""
    paths = ["/", *(f"/section/{slug}/" for slug in sections)]
    paths += [f"/article/{slug}/" for slug, _, _ in stories]
    with ThreadPoolExecutor(readers) as pool:
        for _ in pool.map(front.get, paths):
            pass


def run(mode, args, stories, weights, sections):
    """One run: readers and the desk for `args.seconds`, after the caches are primed and
    warmed (neither counted); returns the figures."""
    seconds, readers = args.seconds, args.readers
    from django.test.utils import override_settings

    from bench.run import free_port, start_gunicorn

    clear_caches()
    app_port = free_port()
    env = {"PAGE_PURGER": "varnish-xkey"} if mode == "varnish" else {}
    workdir = Path(tempfile.mkdtemp(prefix="replay-varnish-"))
    workdir.chmod(0o755)
    processes = []
    try:
        varnish_port = free_port()
        env["PURGE_URLS"] = f"http://127.0.0.1:{varnish_port}/"
        processes.append(start_gunicorn(app_port, cached=True, env=env))
        front_port = app_port
        if mode == "varnish":
            processes.append(start_varnish(app_port, varnish_port, workdir, args.varnish_memory))
            front_port = varnish_port
        front = Front(front_port)
        tally = dict.fromkeys(["requests", "app", "page_hits", "varnish_hits"], 0)
        counting, stop, lock = threading.Event(), threading.Event(), threading.Lock()
        threads = [
            threading.Thread(
                target=read_loop,
                args=(front, stories, weights, sections, counting, stop, tally, lock, seed),
            )
            for seed in range(readers)
        ]
        purging = {
            "PAGE_PURGER": env.get("PAGE_PURGER", ""),
            "PURGE_URLS": [env["PURGE_URLS"]],
            # Purges run at the commit, in this process: the stale check reads right after.
            "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        }
        desk = Desk(stories, weights, whole_site=mode == "whole-site", seed=7)
        checker, writes, checked, stale = Front(front_port), 0, 0, []
        with override_settings(**purging):
            if args.prime:
                prime(front, stories, sections, readers)
            for thread in threads:
                thread.start()
            time.sleep(args.warm)
            counting.set()
            started = time.monotonic()
            next_publish, next_approve = started + PUBLISH_EVERY, started + APPROVE_EVERY
            while time.monotonic() < started + seconds:
                now = time.monotonic()
                if now < min(next_publish, next_approve):
                    time.sleep(min(next_publish, next_approve) - now)
                    continue
                if next_publish <= now:
                    words, pages = desk.publish()
                    next_publish += PUBLISH_EVERY
                else:
                    words, pages = desk.approve()
                    next_approve += APPROVE_EVERY
                writes += 1
                checked += len(pages)
                for page in pages:
                    status, _, body = checker.get(page)
                    if status != 200 or words.encode() not in body:
                        stale.append((words, page, status))
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    app = tally["app"] or 1
    return {
        "mode": mode,
        "requests": tally["requests"],
        "req/s": tally["requests"] / elapsed,
        "page-cache hit share": tally["page_hits"] / app,
        "answered by Varnish": tally["varnish_hits"] / (tally["requests"] or 1),
        "reached the app": tally["app"],
        "writes": writes,
        "pages checked": checked,
        "stale": stale,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--modes", default="whole-site,keys,varnish")
    parser.add_argument(
        "--warm", type=int, default=0, help="seconds of readers alone first, not counted"
    )
    parser.add_argument("--prime", action="store_true", help="read every page once first")
    parser.add_argument(
        "--varnish-memory", default="1g", help="Varnish's storage: enough for every page"
    )
    parser.add_argument("--write", action="store_true", help="append the table to BENCHMARKS.md")
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})

    import django

    django.setup()
    stories, sections = story_paths()
    weights = zipf_weights(len(stories))
    results = []
    for mode in args.modes.split(","):
        figures = run(mode, args, stories, weights, sections)
        results.append(figures)
        print(
            f"{mode:>10}: {figures['requests']} requests ({figures['req/s']:.0f}/s), "
            f"page-cache hits {figures['page-cache hit share']:.1%} of "
            f"{figures['reached the app']} that reached the app, "
            f"Varnish answered {figures['answered by Varnish']:.1%}, "
            f"{figures['writes']} writes, {len(figures['stale'])} stale of "
            f"{figures['pages checked']} pages checked",
            flush=True,
        )
        for words, page, status in figures["stale"]:
            print(f"    stale: {page} ({status}) lacks {words!r}")
    if args.write:
        write_table(results, args, len(stories))


def write_table(results, args, story_count):
    lines = [
        "",
        f"## Replay: readers over {story_count:,} stories while the desk writes "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/replay.py --seconds {args.seconds} --readers {args.readers} "
        f"--warm {args.warm}{' --prime' if args.prime else ''} --varnish-memory "
        f"{args.varnish_memory}`: one gunicorn sync worker on "
        "core 0, reader threads and Varnish on core 1 (a shared, noisy machine). Each run "
        "starts from empty caches"
        + (", then every page is read once" if args.prime else "")
        + (f", then {args.warm} s of readers alone" if args.warm else "")
        + (" (not counted). " if args.prime or args.warm else "; it counts every request. ")
        + "Zipf-like popularity by recency; an editor publishes every 10 s, moderators "
        "approve a comment every 2 s; every page a write touched is read right after it.",
        "",
        "| run | requests | req/s | page-cache hit share (of requests reaching the app) "
        "| answered by Varnish | writes | pages checked | stale |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        varnish = f"{r['answered by Varnish']:.1%}" if r["mode"] == "varnish" else "–"
        lines.append(
            f"| {r['mode']} | {r['requests']:,} | {r['req/s']:.0f} | "
            f"{r['page-cache hit share']:.1%} | {varnish} | {r['writes']} | "
            f"{r['pages checked']} | {len(r['stale'])} |"
        )
    with open(ROOT / "BENCHMARKS.md", "a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
