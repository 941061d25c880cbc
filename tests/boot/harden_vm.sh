#!/bin/bash
# harden_vm.sh: running out of memory in -m 128M (not compared with the
# host: it would take all of the host's memory). A child that takes all
# memory is killed with one htux: line naming it, and its exit's write of
# clear_child_tid into a page shared copy-on-write (no page left to copy
# it) fails instead of killing it again and again; no panic, and the VM
# still works.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
plan 3

build_static harden_vm progs/harden_vm.c glibc -pthread || bail_out "cannot build harden_vm.c"
HTUX_TIMEOUT=60 htux_run -m 128M "$HTUX_TMP/harden_vm"

has_line() {   # DESCRIPTION EXTENDED-REGEX [COUNT]: stdout has COUNT (1) such lines
	_n=$(printf '%s\n' "$HTUX_STDOUT" | grep -cE "^($2)\$")
	if [ "$_n" = "${3:-1}" ]; then
		ok "$1"
	else
		not_ok "$1" "expected ${3:-1} line(s) matching: $2, got $_n"
		_show_run
	fi
}

if [ "$HTUX_STATUS" = 0 ] && ! printf '%s\n' "$HTUX_STDOUT" | grep -q panic &&
	printf '%s\n' "$HTUX_STDOUT" | grep -qx 'afterwards: child exited 5'; then
	ok "exits 0 and still forks and sleeps afterwards; no panic"
else
	not_ok "exits 0 and still forks and sleeps afterwards; no panic" \
		"status $HTUX_STATUS"
	_show_run
fi
_oom='htux: out of memory: killed pid [0-9]+ \(harden_vm\), [0-9]+ KiB resident \(page fault at [0-9a-f]+\); give the VM more with -m'
if [ "$(printf '%s\n' "$HTUX_STDOUT" | grep -c '^htux: ')" = 1 ]; then
	has_line "a child out of memory: one htux: line naming it (pid, comm, size)" "$_oom"
else
	not_ok "a child out of memory: one htux: line naming it (pid, comm, size)" \
		"not one htux: line"
	_show_run
fi
has_line "the child killed (SIGKILL) as its exit's clear_child_tid write finds no page" \
	'oom child: killed by 9, parent.s word 1'
