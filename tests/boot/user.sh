#!/bin/bash
# user.sh: running as an unprivileged user: htux run --user (ids, groups
# and HOME from the host's passwd and group entries packed into the
# image, no capabilities, file permissions enforced), and Debian's
# setpriv and capsh dropping root's privileges inside htux; each compared
# with the same program run on the host under setpriv.
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc glibc
command -v setpriv > /dev/null || skip_all "setpriv (util-linux) is not installed"
getent passwd nobody > /dev/null || skip_all "this host has no user nobody"
plan 8

ngid=$(id -g nobody)
nhome=$(getent passwd nobody | cut -d: -f6)

# as_nobody CMD...: CMD on the host as nobody with its groups.
as_nobody() {
	setpriv --reuid=nobody --regid="$ngid" --init-groups "$@"
}

# 1: a program started as nobody: ids, no capabilities, its own
# directory under /tmp, a root-only file it may not read
build_static asuser progs/user/asuser.c glibc || bail_out "cannot build asuser"
# (on the host in a directory of /tmp that nobody may enter: the test
# directory may be closed to others)
hdir=$(mktemp -d /tmp/htux-user.XXXXXX) || bail_out "mktemp failed"
chmod 1777 "$hdir"
cp "$HTUX_TMP/asuser" "$hdir/asuser"
echo secret > "$hdir/secret"
chmod 600 "$hdir/secret"
cp "$hdir/secret" "$HTUX_TMP/secret"
want=$(as_nobody "$hdir/asuser" "$hdir/own" "$hdir/secret" 2>&1)
want_st=$?
rm -rf "$hdir"
htux_run --user nobody --add "$HTUX_TMP/secret:/secret" "$HTUX_TMP/asuser" /tmp/own /secret
check_output_status "--user nobody: ids, own directory, root-only file" "$want" "$want_st"

# 2: id names the user and groups from the packed /etc/passwd, /etc/group
want=$(as_nobody id 2>&1)
htux_run --user nobody /usr/bin/id
check_output_status "--user nobody: id" "$want" 0

# 3: HOME from passwd
htux_run --user nobody /usr/bin/printenv HOME
check_output_status "--user nobody: HOME from passwd" "$nhome" 0

# 4: a uid and gid no entry names
want=$(setpriv --reuid=4321 --regid=4322 --clear-groups id 2>&1)
htux_run --user 4321:4322 /usr/bin/id
check_output_status "--user 4321:4322: id" "$want" 0

# 5: root drops its privileges with setpriv (keepcaps, setresuid,
# setresgid, setgroups, exec)
want=$(setpriv --reuid=4321 --regid=4321 --clear-groups id 2>&1)
htux_run --add /usr/bin/id /usr/bin/setpriv --reuid=4321 --regid=4321 --clear-groups id
check_output_status "setpriv --reuid --regid --clear-groups id" "$want" 0

# 6: capsh --print as nobody (the bounding set aside: a container's may
# lack some capabilities)
if command -v capsh > /dev/null; then
	capsh=$(command -v capsh)
	want=$(as_nobody "$capsh" --print 2>&1 | grep -v -e '^Bounding set' -e '^Current IAB')
	htux_run --user nobody "$capsh" --print
	HTUX_STDOUT=$(printf '%s\n' "$HTUX_STDOUT" | grep -v -e '^Bounding set' -e '^Current IAB')
	check_output_status "--user nobody: capsh --print" "$want" 0
else
	skip "capsh (libcap2-bin) is not installed"
fi

# 7, 8: users that do not exist
htux_run --user no-such-user-here /usr/bin/id
check_stderr_contains "--user: an unknown name is an error" "no such user on this host"
htux_run --append user=no-such-user-here /usr/bin/id
check_stdout_contains "user=: a name the image lacks is an error" \
	"htux: user 'no-such-user-here': no such user in the image's /etc/passwd"
