"""Processes beside the test: `manage.py` in a second process against the test database, as
a person would in a second terminal beside the running site, and Varnish in front of it."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent


def test_database_url():
    """The URL of the database this test runs on, for a process started outside it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db["HOST"] or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(env=None):
    """The environment of a process started beside the test: on this test's database."""
    return {
        **os.environ,
        "SECRET_KEY": "test-only-not-secret",
        "DATABASE_URL": test_database_url(),
        **(env or {}),
    }


def manage(*args, timeout=120, env=None):
    """Run `manage.py *args` on this test's database (and `env`); fail on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def varnish(backend_port):
    """Varnish from Debian's packages on a loopback port, with the repository's VCL in front
    of the app at `backend_port`. Yields Varnish's base URL."""
    # Varnish reads its files as its own unprivileged user: a folder everyone may read.
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    workdir.chmod(0o755)
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        pytest.fail("varnishd is missing: install Debian's varnish and varnish-modules (.ci/run)")
    vcl = (PROJECT / "deploy" / "varnish.vcl").read_text()
    vcl = vcl.replace('.port = "8000";', f'.port = "{backend_port}";')
    (workdir / "newsroom.vcl").write_text(vcl)
    port = free_port()
    command = [
        varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(workdir / "newsroom.vcl"),
        "-n", str(workdir / "varnish"), "-s", "malloc,32m",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def wait_for(url, server, seconds=60):
    """Wait until something answers HTTP at `url` (any status), or fail with its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{server.args[0]} stopped: {server.stdout.read().decode()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"{server.args[0]} did not answer at {url}: {server.stdout.read().decode()}")
