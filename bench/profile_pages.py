"""Profile uncached reader pages in-process: where a miss spends its CPU.

    DATABASE_URL=sqlite:////tmp/b.sqlite3 python bench/profile_pages.py home "article, 200 comments"

Runs each page (by its label in bench/run.py) --repeat times through Django's test client with
the page cache off, under cProfile, and prints the functions that took the most time: the
ORM, template rendering, URL reversing and connection set-up show up by name.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def profile(labels, repeat, limit, sort):
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from bench.run import page_urls

    pages = dict(page_urls())
    client = Client(SERVER_NAME="localhost")
    with override_settings(READER_CACHE_SECONDS=0):
        for label in labels:
            url = pages[label]
            client.get(url)  # warm up: templates compiled, content version read
            profiler = cProfile.Profile()
            started = time.process_time()
            profiler.enable()
            for _ in range(repeat):
                client.get(url)
            profiler.disable()
            cpu = (time.process_time() - started) * 1000 / repeat
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(sort).print_stats(limit)
            print(f"## {label} ({url}): {cpu:.1f} ms CPU a request under the profiler\n")
            print(out.getvalue())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="+", help='page labels, e.g. home "article, 20 comments"')
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--limit", type=int, default=40, help="functions to print")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime")
    args = parser.parse_args(argv)
    profile(args.labels, args.repeat, args.limit, args.sort)


if __name__ == "__main__":
    main()
