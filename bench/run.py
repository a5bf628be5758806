"""Benchmarks: time, queries and peak memory of list pages on a large network.

    make bench            (or .venv/bin/python bench/run.py --members 2000 --partners 2000)

Builds a throwaway SQLite database with one large network (members, partners, audit
entries; modules add theirs in bench/generate.py), then requests each list page a few
times through the test client and prints a table. Results go to bench/out/ as JSON.
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

from bench.generate import PAGES, generate  # noqa: E402
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
            tracemalloc.start()
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return {"url": url, "median_ms": round(statistics.median(timings) * 1000, 1),
            "max_ms": round(max(timings) * 1000, 1), "queries": len(queries),
            "peak_kib": round(peak / 1024)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            login_email, password = generate(members=args.members, partners=args.partners)
            print(f"generated data in {time.perf_counter() - started:.1f}s")
        client = app.test_client()
        client.post("/sign-in", data={"email": login_email, "password": password})
        results = []
        with app.app_context():
            for url in PAGES:
                if app.url_map.bind("localhost").test(url.split("?")[0]):
                    results.append(measure(client, url, args.repeats))
    print(f"{'page':55} {'median ms':>10} {'max ms':>8} {'queries':>8} {'peak KiB':>9}")
    for r in results:
        print(f"{r['url']:55} {r['median_ms']:>10} {r['max_ms']:>8} {r['queries']:>8} {r['peak_kib']:>9}")
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
