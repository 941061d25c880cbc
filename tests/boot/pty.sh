#!/bin/bash
# pty.sh: real programs on pseudo-terminals, as on the host: Debian's
# python3 (os.openpty, tty.setraw, pty.fork: forkpty and login_tty, a
# child reading a line from its terminal) and util-linux's script running
# a shell command on a pty.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
plan 2

P=$(cd "$HTUX_SRCDIR/tests/progs/pty" && pwd -P)
PY=/usr/bin/python3

if [ -x $PY ] && [ -d /usr/lib/python3.11 ]; then
	want=$(cd / && $PY "$P/ptys.py" 2>/dev/null </dev/null)
	want_st=$?
	htux_run --add /usr/lib/python3.11 --add "$P/ptys.py" $PY "$P/ptys.py"
	check_output_status "python3: os.openpty, tty.setraw, pty.fork with a child reading a line" \
		"$want" "$want_st"
else
	skip "python3 pty" "no python3.11"
fi

if command -v script > /dev/null 2>&1 && [ -x /bin/sh ] && command -v strace > /dev/null 2>&1; then
	want=$(cd / && SHELL=/bin/sh script -qc 'echo hi' /dev/null 2>/dev/null </dev/null)
	want_st=$?
	htux_run --trace-files -e SHELL=/bin/sh "$(command -v script)" -qc 'echo hi' /dev/null
	check_output_status "script -qc 'echo hi' /dev/null: the shell's output through a pty" \
		"$want" "$want_st"
else
	skip "script -qc" "no util-linux script or strace"
fi
