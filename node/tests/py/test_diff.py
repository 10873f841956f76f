"""The differential suite: every node/tests/diff/*.redis script is replayed against a real
redis-server and against ours (run_diff.py's logic), and every reply must match byte for byte
(or per the script's @sort/@len/@ignore markers).

The scripts are collected when pytest starts, so new files are picked up without touching this
test. One real server and one of ours serve the whole session; if ours dies, it is restarted for
the next script and the script that killed it fails.
"""
import glob
import os
import shutil

import pytest

from conftest import DIFF_DIR

import run_diff  # noqa: E402  (node/tests/diff is put on sys.path by conftest)

SCRIPTS = sorted(glob.glob(os.path.join(DIFF_DIR, "*.redis")))


class Pair:
    """A real redis-server and ours, started with run_diff's own Server class."""

    def __init__(self, ours_bin):
        self.ours_bin = ours_bin
        self.redis = run_diff.Server("redis-server", "redis", [])
        self.ours = run_diff.Server(ours_bin, "ours", [])

    def ensure_alive(self):
        if self.redis.proc.poll() is not None:
            self.redis = run_diff.Server("redis-server", "redis", [])
        if self.ours.proc.poll() is not None:
            self.ours = run_diff.Server(self.ours_bin, "ours", [])

    def stop(self):
        for s in (self.redis, self.ours):
            s.stop()
            s.log.close()
            shutil.rmtree(s.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pair(ours_bin):
    p = Pair(ours_bin)
    yield p
    p.stop()


def test_there_are_diff_scripts():
    assert SCRIPTS, f"no *.redis scripts in {DIFF_DIR}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[os.path.basename(s) for s in SCRIPTS])
def test_diff_script(pair, script):
    pair.ensure_alive()
    try:
        failures = run_diff.run_script(script, pair.redis.port, pair.ours.port, keep_going=True)
    except (ConnectionError, OSError) as e:
        died = pair.ours.proc.poll() is not None
        pytest.fail(f"{os.path.basename(script)}: {e!r}" + (" (our server died: see its log)" if died else ""))
    assert pair.ours.proc.poll() is None, f"our server died while running {os.path.basename(script)}"
    assert not failures, f"{len(failures)} mismatch(es):\n" + "\n".join(failures[:40])
