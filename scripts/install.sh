#!/usr/bin/env bash
# Builds and installs the riffq Python package (C++ core + nanobind extension) into the
# current Python, reusing build/ and ccache for fast rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pip_quiet.sh
PY="${PYTHON:-python3}"
# A development copy of the extension next to the sources must not shadow the built one.
rm -f python/riffq/_riffq*.so python/riffq/_client*.so
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
pip_quiet "$PY" -m pip install -q --disable-pip-version-check --no-build-isolation \
  -Cbuild-dir=build/python -Ccmake.define.RIFFQ_WERROR=ON .
"$PY" -c "import riffq, riffq._riffq, riffq._client; print('riffq', riffq.__version__, 'installed')"
