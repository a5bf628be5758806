"""Benchmarks: time, queries and peak memory of list pages on a large network, against a small one.

    make bench            (or .venv/bin/python bench/run.py --members 2000 --partners 2000)

Builds two throwaway SQLite databases, one with a small network and one with a large network
(members, partners, audit entries; modules add theirs in bench/generate.py), requests each page
a few times through the test client in both and prints a table. The last column is the page's
time at large data divided by its time at small data (the fastest of the repeats at each size,
the one least disturbed by other work on the machine): a page whose cost grows with the data
shows at once (about 1 is what a paged, indexed page should give; "!" marks 2 or more). A page
beyond the last at small data (?page=40) shows an empty page there, so its ratio means little.
Results go to bench/out/ as JSON.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench.generate import MOUS, PAGES, generate  # noqa: E402
from config import TestingConfig  # noqa: E402
from governance import create_app  # noqa: E402
from governance.extensions import db  # noqa: E402


def measure(client, url: str, repeats: int) -> dict:
    queries = []

    def count(*_args):
        queries.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    timings = []
    try:
        client.get(url)  # warm up templates and caches
        for _ in range(repeats):
            queries.clear()
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        query_count = len(queries)
        # Peak memory on a request of its own: tracing every allocation slows a request several times.
        tracemalloc.start()
        client.get(url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return {"url": url, "median_ms": round(statistics.median(timings) * 1000, 1),
            "best_ms": round(min(timings) * 1000, 1), "max_ms": round(max(timings) * 1000, 1), "queries": query_count,
            "peak_kib": round(peak / 1024)}


def run(members: int, partners: int, mous: int, repeats: int) -> dict[str, dict]:
    """Each page's measurements on a fresh database of this size, by URL."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            login_email, password = generate(members=members, partners=partners, mous=mous)
            # What production does after migrations and nightly: keep the planner's statistics current.
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
            print(f"generated {partners:,} partners, {members:,} members and {mous} MOUs in "
                  f"{time.perf_counter() - started:.1f}s")
        client = app.test_client()
        client.post("/sign-in", data={"email": login_email, "password": password})
        results = {}
        with app.app_context():
            for url in PAGES:
                if app.url_map.bind("localhost").test(url.split("?")[0]):
                    results[url] = measure(client, url, repeats)
            db.engine.dispose()
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--mous", type=int, default=MOUS)
    parser.add_argument("--small-members", type=int, default=20)
    parser.add_argument("--small-partners", type=int, default=20)
    parser.add_argument("--small-mous", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    small = run(args.small_members, args.small_partners, args.small_mous, args.repeats)
    large = run(args.members, args.partners, args.mous, args.repeats)
    results = []
    for url, r in large.items():
        # The fastest of the repeats at each size: the run least disturbed by other work on the machine.
        best_small = small.get(url, {}).get("best_ms")
        ratio = round(r["best_ms"] / best_small, 2) if best_small else None
        results.append({**r, "small_best_ms": best_small, "small_queries": small.get(url, {}).get("queries"),
                        "ratio": ratio})
    print(f"{'page':55} {'median ms':>10} {'best ms':>8} {'queries':>8} {'peak KiB':>9} {'small best':>11} "
          f"{'large/small':>12}")
    for r in results:
        flag = " !" if r["ratio"] is not None and r["ratio"] >= 2 else ""
        print(f"{r['url']:55} {r['median_ms']:>10} {r['best_ms']:>8} {r['queries']:>8} {r['peak_kib']:>9} "
              f"{r['small_best_ms']:>11} {r['ratio']:>10}{flag}")
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
