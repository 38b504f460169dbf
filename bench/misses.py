"""CPU per request of a cold miss and of a realistic miss, in-process, side by side with
another checkout.

    DATABASE_URL=sqlite:////tmp/b.sqlite3 python bench/misses.py --against /work/main

A *cold* miss finds every cache empty (pages and fragments). A *realistic* miss finds the
page's own entry gone (as after a write to something only the page shows, or a query string
never seen) while its fragments are still true. Each checkout runs in its own process,
alternating round by round so that a noisy machine weighs on both alike; CPU is
`time.process_time()` per request, the median of each round, the best round counts.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Cache folders where the embedded default keeps its own (var/, beside the code): creating a
# file under this machine's /tmp costs ~0.8 ms against ~0.02 ms elsewhere on the same disk,
# which would charge every filed page and fragment for the benchmark's choice of folder.
SCRATCH = ROOT / "var" / "bench"
PAGES = ("home", "article, 20 comments", "article, 200 comments")


def measure(root, repeat):
    """Run in the checkout at `root`: {page: {"cold": ms, "realistic": ms}} as JSON."""
    sys.path.insert(0, str(root))
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.cache import caches
    from django.test import Client

    sys.path.insert(0, str(ROOT))  # page_urls() from this checkout: the same pages for both
    from bench.run import page_urls

    urls = dict(page_urls())
    client = Client(SERVER_NAME="localhost")
    figures = {}
    for label in PAGES:
        url = urls[label]
        client.get(url)  # warm up: templates compiled, connection open
        cold, realistic = [], []
        for _ in range(repeat):
            for alias in ("default", "freshness"):
                caches[alias].clear()
            started = time.process_time()
            client.get(url)
            cold.append(time.process_time() - started)
        client.get(url)
        for _ in range(repeat):
            caches["default"].delete(page_key(url))
            started = time.process_time()
            response = client.get(url)
            realistic.append(time.process_time() - started)
            assert response["X-Cache"] == "miss", response.headers
        figures[label] = {
            "cold": statistics.median(cold) * 1000,
            "realistic": statistics.median(realistic) * 1000,
        }
    return figures


def scratch(prefix):
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=SCRATCH)


def page_key(url):
    """The page cache's key for `url` (articles/caching.py names it by the absolute URL)."""
    import hashlib

    absolute = f"http://localhost{url}"
    return f"page:{hashlib.sha256(absolute.encode()).hexdigest()}"


def run_in(root, repeat, cache_dir):
    env = dict(os.environ, CACHE_DIR=cache_dir, READER_CACHE_SECONDS="3600")
    command = [sys.executable, str(Path(__file__)), "--measure", str(root), "--repeat", str(repeat)]
    output = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(output.stderr)
    return json.loads(output.stdout.splitlines()[-1])


def measure_http(root, duration):
    """Requests per second (and worker CPU ms per request) of one gunicorn sync worker on
    core 0 serving the checkout at `root`, under wrk on core 1: cold (the page cache off)
    and realistic misses (every request a query string never seen, its fragments true)."""
    import urllib.request

    from django.core.cache import caches

    from bench.run import free_port, start_gunicorn, wrk

    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(
        "n = 0\nrequest = function()\n  n = n + 1\n"
        '  return wrk.format(nil, wrk.path .. "?r=" .. n)\nend\n'
    )
    script.close()
    figures, pages = {}, http_pages()
    try:
        for kind, cached in (("cold", False), ("realistic", True)):
            # Files start empty in their new folder; Redis (REDIS_URL) is shared by both
            # checkouts and the in-process runs: a cold run must not find their fragments.
            for cache in caches.all():
                cache.clear()
            port = free_port()
            cache_dir = scratch("misses-http-")
            server = start_gunicorn(port, cached=cached, root=root, env={"CACHE_DIR": cache_dir})
            try:
                for label, url in pages:
                    base = f"http://127.0.0.1:{port}{url}"
                    for _ in range(3):  # warm up: templates, connection, fragments
                        urllib.request.urlopen(base).read()
                    result = wrk(base, duration, server, script=script.name if cached else None)
                    figures.setdefault(label, {})[kind] = {
                        "rate": result["rate"],
                        "cpu": 1000 / result["per_cpu_second"],
                    }
            finally:
                server.terminate()
                server.wait(timeout=30)
                shutil.rmtree(cache_dir)
    finally:
        os.unlink(script.name)
    return figures


def http_pages():
    import django

    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from bench.run import page_urls

    urls = dict(page_urls())
    return [(label, urls[label]) for label in PAGES]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", help="the other checkout (e.g. a worktree of main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page and kind")
    parser.add_argument("--http", type=int, metavar="SECONDS", help="also wrk for SECONDS a page")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.repeat)))
        return
    roots = {"this": ROOT, **({"previous": Path(args.against)} if args.against else {})}
    best = {}
    for _round in range(args.rounds):
        for name, root in roots.items():
            cache_dir = scratch("misses-")
            try:
                for label, pair in run_in(root, args.repeat, cache_dir).items():
                    for kind, ms in pair.items():
                        kept = best.setdefault(label, {}).setdefault(name, {})
                        kept[kind] = min(kept.get(kind, ms), ms)
            finally:
                shutil.rmtree(cache_dir)
    names = list(roots)
    print("| page | " + " | ".join(f"{n} cold | {n} realistic miss" for n in names) + " |")
    print("| --- |" + " ---: | ---: |" * len(names))
    for label, by_name in best.items():
        cells = " | ".join(
            f"{by_name[n]['cold']:.1f} ms | {by_name[n]['realistic']:.1f} ms" for n in names
        )
        print(f"| {label} | {cells} |")
    if not args.http:
        return
    sys.path.insert(0, str(ROOT))
    http = {}
    for _round in range(args.rounds):
        for name, root in roots.items():
            for label, pair in measure_http(root, args.http).items():
                for kind, figures in pair.items():
                    kept = http.setdefault(label, {}).setdefault(name, {})
                    if kind not in kept or figures["cpu"] < kept[kind]["cpu"]:
                        kept[kind] = figures
    print(
        "\n| page (gunicorn, wrk) | "
        + " | ".join(f"{n} cold | {n} realistic miss" for n in names)
        + " |"
    )
    print("| --- |" + " ---: | ---: |" * len(names))
    for label, by_name in http.items():
        cells = " | ".join(
            f"{by_name[n][k]['rate']:.0f} req/s [{by_name[n][k]['cpu']:.1f} ms]"
            for n in names
            for k in ("cold", "realistic")
        )
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
