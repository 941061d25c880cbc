#!/bin/bash
# harden_vm.sh: running out of tasks and of memory in -m 128M (not
# compared with the host: it would take all of the host's memory). A fork
# bomb ends with fork failing with EAGAIN at threads-max, and a thread
# flood with EAGAIN (or ENOMEM), never with pid 1 killed. A child that
# takes all memory is killed with one htux: line naming it, and its
# exit's write of clear_child_tid into a page shared copy-on-write (no
# page left to copy it) fails instead of killing it again and again;
# after that a fork bomb still reaches threads-max (kernel stacks, runs
# of pages, are found among the pages freed). No panic; all is reaped;
# the VM still works. And a program with a 100 TiB bss exits at once (the
# address space's end costs the pages present, not the area's size).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
plan 9

build_static harden_vm progs/harden_vm.c glibc -pthread || bail_out "cannot build harden_vm.c"
build_static bigbss progs/bigbss.c glibc || bail_out "cannot build bigbss.c"

has_line() {   # DESCRIPTION EXTENDED-REGEX [COUNT]: stdout has COUNT (1) such lines
	_n=$(printf '%s\n' "$HTUX_STDOUT" | grep -cE "^($2)\$")
	if [ "$_n" = "${3:-1}" ]; then
		ok "$1"
	else
		not_ok "$1" "expected ${3:-1} line(s) matching: $2, got $_n"
		_show_run
	fi
}

# DESCRIPTION HTUX-LINES: status 0, fork and sleep work at the end, no
# panic, that many htux: lines
ends_well() {
	_h=$(printf '%s\n' "$HTUX_STDOUT" | grep -c '^htux: ')
	if [ "$HTUX_STATUS" = 0 ] && [ "$_h" = "$2" ] &&
		! printf '%s\n' "$HTUX_STDOUT" | grep -q panic &&
		printf '%s\n' "$HTUX_STDOUT" | grep -qx 'afterwards: child exited 5'; then
		ok "$1"
	else
		not_ok "$1" "status $HTUX_STATUS, $_h htux: line(s)"
		_show_run
	fi
}

HTUX_TIMEOUT=60 htux_run -m 128M "$HTUX_TMP/harden_vm" floods
ends_well "floods: exit 0, fork and sleep work afterwards, no htux: line" 0
has_line "/proc/sys/kernel/threads-max is readable" 'threads-max readable: yes'
has_line "a fork bomb ends with EAGAIN (threads-max), every child reaped" \
	'fork bomb: fork failed with EAGAIN; all reaped: yes'
has_line "a thread flood ends with EAGAIN or ENOMEM, every thread joined" \
	'thread flood: pthread_create failed with (EAGAIN|ENOMEM); all joined: yes'

HTUX_TIMEOUT=60 htux_run -m 128M "$HTUX_TMP/harden_vm" oom
ends_well "out of memory: exit 0, fork and sleep work afterwards, one htux: line" 1
has_line "the child out of memory: its htux: line names it (pid, comm, size)" \
	'htux: out of memory: killed pid [0-9]+ \(harden_vm\), [0-9]+ KiB resident \(page fault at [0-9a-f]+\); give the VM more with -m'
has_line "the child killed (SIGKILL) as its exit's clear_child_tid write finds no page" \
	'oom child: killed by 9, parent.s word 1'
has_line "after all memory was taken, a fork bomb still reaches threads-max" \
	'fork bomb: fork failed with EAGAIN; all reaped: yes'

HTUX_TIMEOUT=30 htux_run "$HTUX_TMP/bigbss"
check_output_status "a child with a 100 TiB bss runs and exits within 30 s" \
	"$(printf 'the copy with a 100 TiB bss runs\nit exited: 0')" 0
