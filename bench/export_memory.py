"""Peak memory of a process exporting 10,000 and 100,000 registrations as CSV.

Each export runs in a fresh child process, which reports its peak resident set size
(VmHWM from /proc/self/status: unlike getrusage's ru_maxrss it is not inherited from the
parent that built the data) and, in a second run, the peak of Python allocations during the export
(tracemalloc). Aim: the two sizes less than 20 MB apart.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench \
       .venv/bin/python bench/export_memory.py
"""

import json
import os
import subprocess
import sys
import tracemalloc

from scratch_data import event_with_registrations, require_postgresql

from registrations.exports import REGISTRATIONS, encoded, export_csv_chunks
from registrations.models import Event, Registration

SIZES = [10_000, 100_000]


def peak_resident_kib() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def export_in_this_process(slug: str, traced: bool) -> dict:
    event = Event.objects.get(slug=slug)
    if traced:
        tracemalloc.start()
    rows = 0
    with open(os.devnull, "wb") as sink:
        for chunk in encoded(
            export_csv_chunks(REGISTRATIONS, Registration.objects.filter(event=event))
        ):
            rows += chunk.count(b"\r\n")
            sink.write(chunk)
    figures = {
        "lines": rows,
        "peak_rss_mb": peak_resident_kib() / 1024,
    }
    if traced:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return figures


def in_child(slug: str, traced: bool) -> dict:
    command = [sys.executable, __file__, "--child", slug, *(["--traced"] if traced else [])]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    require_postgresql()
    results = {}
    for size in SIZES:
        slug = event_with_registrations(size).slug
        plain, traced = in_child(slug, traced=False), in_child(slug, traced=True)
        assert plain["lines"] == size + 1, plain  # header and one line per row
        results[size] = (plain["peak_rss_mb"], traced["traced_peak_mb"])
        print(
            f"{size:>7,} rows: peak RSS {plain['peak_rss_mb']:6.1f} MB, "
            f"peak Python allocations during the export {traced['traced_peak_mb']:5.1f} MB"
        )
    (small_rss, small_traced), (large_rss, large_traced) = results[SIZES[0]], results[SIZES[1]]
    print(
        f"difference: RSS {large_rss - small_rss:+.1f} MB, "
        f"Python allocations {large_traced - small_traced:+.1f} MB (aim: under 20 MB)"
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        slug = sys.argv[sys.argv.index("--child") + 1]
        print(json.dumps(export_in_this_process(slug, traced="--traced" in sys.argv)))
    else:
        main()
