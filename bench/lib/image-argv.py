#!/usr/bin/env python3
"""image-argv.py IN OUT FILE GUESTPATH ARG...: used by bench/java. Copies
the htux image IN (a newc cpio made by htux-mkimage) to OUT with the host
file FILE added at GUESTPATH (mode 0755) and /.htux/argv replaced, so that
the image runs GUESTPATH with the ARGs (argv[0] = GUESTPATH) instead of
its own program; every other file stays as it was."""
import sys

FIELDS = 13  # ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check


def entries(data):
    off = 0
    while True:
        if data[off:off + 6] != b"070701":
            sys.exit("image-argv: not a newc archive at offset %d" % off)
        f = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(FIELDS)]
        name_off = off + 110
        name = data[name_off:name_off + f[11] - 1].decode()
        data_off = (name_off + f[11] + 3) & ~3
        end = (data_off + f[6] + 3) & ~3
        if name == "TRAILER!!!":
            return
        yield name, data[off:end]
        off = end


def entry(name, mode, body, ino):
    n = name.encode() + b"\0"
    f = [ino, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(n), 0]
    h = b"070701" + b"".join(b"%08X" % v for v in f) + n
    h += b"\0" * (-len(h) % 4)
    return h + body + b"\0" * (-len(body) % 4)


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: image-argv.py IN OUT FILE GUESTPATH [ARG]...")
    src, dst, host, guest = sys.argv[1:5]
    args = sys.argv[5:]
    data = open(src, "rb").read()
    with open(dst, "wb") as out:
        for name, raw in entries(data):
            if name not in ("/.htux/argv", guest):
                out.write(raw)
        out.write(entry(guest, 0o100755, open(host, "rb").read(), 900001))
        argv = b"".join(a.encode() + b"\0" for a in [guest, guest] + args)
        out.write(entry("/.htux/argv", 0o100644, argv, 900002))
        out.write(entry("TRAILER!!!", 0, b"", 0))


main()
