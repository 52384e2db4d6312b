# Sourced by the setup and install scripts. pip_quiet CMD…: runs a pip command, prints its output
# without the warnings pip prints for root installs, and returns the command's own exit status
# (a filter in a pipeline with `|| true` would hide a failed install).
pip_quiet() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  grep -v -E "^WARNING: (Running pip as|Location .* is ignored)" "$log" || true
  rm -f "$log"
  if [ "$rc" -ne 0 ]; then
    echo "error: '$*' failed with exit status $rc" >&2
  fi
  return "$rc"
}
