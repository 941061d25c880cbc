#!/bin/bash
# reboot.sh: reboot(2) from a program's child: power-off, halt, restart
# and restart2 end the VM with status 0 (as the program's exit 0 would),
# whatever the rest of the program was doing; Ctrl-Alt-Del's setting
# reads back from /proc/sys/kernel/ctrl-alt-del. (Never run on the host.)
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
plan 5

build_static rebootcmd progs/rebootcmd.c musl || bail_out "cannot build rebootcmd.c"
for cmd in power-off halt restart; do
	htux_run "$HTUX_TMP/rebootcmd" $cmd
	check_output_status "reboot $cmd ends the VM with status 0" \
		"$(printf 'ctrl-alt-del 0\nctrl-alt-del 1')" 0
done
htux_run "$HTUX_TMP/rebootcmd" restart2
check_output_status "reboot restart2 (EFAULT for a bad argument first)" \
	"$(printf 'ctrl-alt-del 0\nctrl-alt-del 1\nbad argument: -1')" 0
htux_run "$HTUX_TMP/rebootcmd" none
check_output_status "reboot with an unknown command goes on" \
	"$(printf 'ctrl-alt-del 0\nctrl-alt-del 1\nreboot returned\nthe system went on')" 3
