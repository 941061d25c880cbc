# ptys.py: os.openpty, canonical and raw reads, EIO after the slave closes,
# pty.fork (forkpty, login_tty) with a child reading a line (tests/boot/pty.sh).
import os, pty, sys, termios, tty
m, s = os.openpty()
print("openpty", os.isatty(m), os.isatty(s), os.ttyname(s).startswith("/dev/pts/"))
os.write(m, b"line one\n")
print("slave read", os.read(s, 100))
print("echo", os.read(m, 100))
tty.setraw(s)
os.write(m, b"\x03raw")
print("raw read", os.read(s, 100))
os.close(s)
try:
    os.read(m, 100)
except OSError as e:
    print("master after slave close", e.errno == 5)
os.close(m)
sys.stdout.flush()  # else the child inherits these lines (stdout a pipe: buffered)
pid, fd = pty.fork()
if pid == 0:
    line = sys.stdin.readline()
    print(line.strip().upper(), os.isatty(1), os.getsid(0) == os.getpid(),
          os.tcgetpgrp(0) == os.getpid())
    sys.stdout.flush()
    os._exit(3)
os.write(fd, b"hello pty\n")
out = b""
while True:
    try:
        b = os.read(fd, 1024)
    except OSError as e:
        print("EIO at end", e.errno == 5)
        break
    if not b:
        break
    out += b
print("child said", out)
print("status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
