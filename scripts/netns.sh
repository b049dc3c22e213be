#!/usr/bin/env sh
# Runs a command inside a network namespace of its own whose only interface is loopback, so
# tests and benchmarks with a relay or WebRTC can reach nothing but this machine (the brief's
# network rule). Needs root or unprivileged user namespaces; says so clearly when it has neither.
# Already inside one (ORRERY_NETNS=1), it just runs the command.
set -eu
if [ "${ORRERY_NETNS:-}" = "1" ]; then exec "$@"; fi
if ! unshare -n true 2>/dev/null; then
	if unshare -rn true 2>/dev/null; then
		exec unshare -rn env ORRERY_NETNS=1 sh -c 'ip link set lo up && exec "$@"' netns "$@"
	fi
	echo "scripts/netns.sh: cannot make a loopback-only network namespace here (unshare -n needs root or user namespaces)." >&2
	exit 1
fi
exec unshare -n env ORRERY_NETNS=1 sh -c 'ip link set lo up && exec "$@"' netns "$@"
