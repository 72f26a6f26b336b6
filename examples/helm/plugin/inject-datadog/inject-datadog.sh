#!/bin/sh
# Helm 4 runs this for --post-renderer inject-datadog: the rendered manifests on stdin, the
# arguments of --post-renderer-args (--config FILE, --verbose) as arguments, the mutated
# manifests expected on stdout.
#
# The function: $INJECT_DATADOG, else an inject-datadog binary next to this script, else
# inject-datadog on $PATH.
if [ -n "$INJECT_DATADOG" ]; then
  fn=$INJECT_DATADOG
elif [ -x "$HELM_PLUGIN_DIR/inject-datadog" ]; then
  fn=$HELM_PLUGIN_DIR/inject-datadog
else
  fn=inject-datadog
fi

# Helm 4.3 captures a post-renderer's stderr and never shows it, not even with --debug: a failed
# render says only 'plugin "inject-datadog" exited with error'. So the function's messages are
# kept aside and copied to helm's own stderr where the system exposes it (/proc, on Linux) and
# it is a terminal or a pipe: into a file, the copy would be overwritten by helm's own message.
log=$(mktemp "${TMPDIR:-/tmp}/inject-datadog.XXXXXX") || exit 1
"$fn" "$@" 2>"$log"
rc=$?
if [ -s "$log" ]; then
  if [ -w "/proc/$PPID/fd/2" ] && [ ! -f "/proc/$PPID/fd/2" ]; then
    cat "$log" >>"/proc/$PPID/fd/2"
  else
    cat "$log" >&2
  fi
fi
rm -f "$log"
exit "$rc"
