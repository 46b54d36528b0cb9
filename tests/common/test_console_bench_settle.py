"""The console benchmark waits for an idle stack before timing (bench/bench_console.settle): the CPU of a
process group is read from /proc once a second, and the wait ends once the group was idle in three
readings in a row, or after its number of readings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from bench_console import _group_cpu_ticks, settle  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")

BUSY = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\ntime.sleep(60)\n"


def _group(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], start_new_session=True)


def test_the_cpu_of_a_process_group_counts_its_processes_only():
    busy = _group(BUSY)
    most_of_its_cpu = 0.4 * os.sysconf("SC_CLK_TCK")  # it burns half a second, then sleeps
    try:
        while (_group_cpu_ticks(busy.pid) or 0) < most_of_its_cpu:
            assert busy.poll() is None
        assert _group_cpu_ticks(busy.pid) >= most_of_its_cpu
        assert _group_cpu_ticks(999_999_999) == 0  # no such group
    finally:
        busy.kill()
        busy.wait()


def test_settle_ends_when_the_group_is_idle_and_at_its_limit_when_it_never_is():
    idle = _group("import time\ntime.sleep(60)\n")
    spinning = _group("while True: pass\n")
    try:
        # decided by the CPU each group used between readings (a sleeping one uses none), not by a clock
        assert settle(idle, readings=10)[1] is True  # three quiet readings in a row
        assert settle(spinning, readings=3)[1] is False  # never quiet: gives up after its readings
        assert spinning.poll() is None
    finally:
        for process in (idle, spinning):
            process.kill()
            process.wait()
