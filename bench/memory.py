"""Worker memory over 10,000 mixed reader requests (issue 14).

    DATABASE_URL=sqlite:////tmp/replay.sqlite3 python bench/memory.py

The RSS of one gunicorn sync worker (core 0, page cache on, caches empty at the start)
right after it starts, after 1,000 and after 10,000 reader requests drawn as bench/replay.py
draws them: 90% story pages Zipf-like by recency, 5% home, 5% a section. bench/run.py's own
memory run needs wrk; this one needs only Python.
"""

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("CACHE_DIR", str(ROOT / "var" / "bench" / "memory-cache"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--sample-at", type=int, default=1_000)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})

    import django

    django.setup()
    from bench.replay import Front, clear_caches, story_paths, zipf_weights
    from bench.run import free_port, start_gunicorn, worker_rss_kb

    stories, sections = story_paths()
    weights = zipf_weights(len(stories))
    rng = random.Random(14)
    clear_caches()
    port = free_port()
    server = start_gunicorn(port, cached=True)
    front = Front(port)
    try:
        samples, hits, errors = [(0, worker_rss_kb(server))], 0, 0
        for n in range(1, args.requests + 1):
            roll = rng.random()
            if roll < 0.05:
                path = "/"
            elif roll < 0.10:
                path = f"/section/{rng.choice(sections)}/"
            else:
                path = f"/article/{rng.choices(stories, cum_weights=weights)[0][0]}/"
            status, headers, _ = front.get(path)
            hits += headers.get("X-Cache") == "hit"
            errors += status != 200
            if n in (args.sample_at, args.requests):
                samples.append((n, worker_rss_kb(server)))
                print(f"{samples[-1][1] / 1024:.1f} MiB after {n:,} requests", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        " → ".join(f"{rss / 1024:.1f} MiB at {n:,}" for n, rss in samples)
        + f" requests; page-cache hits {hits / args.requests:.1%}, non-200 answers {errors}"
    )


if __name__ == "__main__":
    main()
