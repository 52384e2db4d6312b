"""The self-contained wheel (scripts/build_wheel.sh): auditwheel bundles libpq, libpg_query,
protobuf-c, OpenSSL and date-tz, so the wheel installs into a fresh virtual environment
(no system site-packages) and runs a server and a client scan there with no compiler on
PATH, its native libraries loaded from the wheel, not from the Debian packages."""
from __future__ import annotations

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROGRAM = r'''
import sys, threading
import riffq, riffq.client as rc

def on_query(sql, callback, **kw):
    import polars as pl
    callback(pl.DataFrame({"n": [1, 2], "s": ["a", "b"]}))

srv = riffq.Server("127.0.0.1:0")
srv.on_query(on_query)
t = threading.Thread(target=srv.start, daemon=True)
t.start()
assert srv.wait_until_serving(10)
conn = rc.connect(f"host=127.0.0.1 port={srv.port} user=u dbname=d")
print(conn.fetchall("select n, s from anything"))
srv.stop()
t.join(10)
'''


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "build_wheel.sh")], cwd=ROOT,
                       env=dict(os.environ, PYTHON=sys.executable, RIFFQ_WHEEL_DIR=str(out)),
                       capture_output=True, text=True, timeout=3000)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    found = glob.glob(str(out / "riffq-*manylinux*.whl"))
    assert len(found) == 1, r.stdout
    return found[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> str:
    env_dir = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, timeout=300)
    py = str(env_dir / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel, "polars>=1.0"],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr
    return str(env_dir)


def test_native_libraries_come_from_the_wheel(venv) -> None:
    site = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages"))[0]
    libs = os.listdir(os.path.join(site, "riffq.libs"))
    for name in ("libpq", "libpg_query", "libssl", "libcrypto", "libdate-tz"):
        assert any(lib.startswith(name) for lib in libs), (name, libs)
    # protobuf-c is linked statically or not needed at run time; either way never the system's.
    for ext in glob.glob(os.path.join(site, "riffq", "_*.so")):
        ldd = subprocess.run(["ldd", ext], capture_output=True, text=True, check=True).stdout
        assert "not found" not in ldd
        for line in ldd.splitlines():
            if any(n in line for n in ("libpq", "libpg_query", "libprotobuf-c", "libssl", "libdate-tz")):
                assert "riffq.libs" in line, line


def test_server_and_client_scan_without_compilers(venv, tmp_path) -> None:
    script = tmp_path / "run.py"
    script.write_text(PROGRAM)
    env = {"PATH": os.path.join(venv, "bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    for tool in ("cc", "gcc", "c++", "cmake"):
        assert not os.path.exists(os.path.join(venv, "bin", tool))
    r = subprocess.run([os.path.join(venv, "bin", "python"), "-I", str(script)], cwd=str(tmp_path),
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[(1, 'a'), (2, 'b')]"
