#!/usr/bin/env python3
"""peer.py: the host side of tests/boot/harden_net.sh: the only other
machine on the guest's Ethernet (QEMU "-netdev socket" over UDP on
127.0.0.1), where tests/progs/net/echo_server.c serves TCP and UDP port
7777 at 10.0.0.2 (kernel option ip=10.0.0.2/24).

  peer.py run PORTFILE [SEED SECONDS]
      binds the UDP port QEMU sends to, picks the one QEMU listens on,
      writes "SENDPORT LISTENPORT" to PORTFILE (the test then boots the
      guest), and runs the checks: the handshake, segments out of the
      receive window (rcv_nxt + 2^31 and others: each must get a pure
      ACK and change nothing), a segment overlapping rcv_nxt, bad
      checksums, an unsolicited neighbour advertisement for the guest's
      IPv6 link-local address (which must stay in use), a flood of
      SYNs from spoofed addresses (a real client must still get through
      at once; HTUX_SYN_FLOOD of them, default 30000), then SECONDS of
      fuzzing with SEED (tests/net/fuzz.py),
      after which the guest must still answer ping, ping6, UDP and a new
      TCP connection; last it sends "quit" (the server exits 0).
  peer.py snmp FILE
      checks the /proc/net/snmp text the server printed at exit.
  peer.py replay FRAMES PORTFILE
      sends the frames a failed fuzzing run saved, then pings.

Prints one "ok - ..." or "not ok - ..." line per check (a fixed number:
RUN_CHECKS, SNMP_CHECKS) and "# " diagnostics; the test makes TAP of
them."""
import os
import random
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402
from wire import ACK, FIN, PSH, ip4, ip6, mac_bytes  # noqa: E402

GUEST_IP, HOST_IP = ip4("10.0.0.2"), ip4("10.0.0.1")
GUEST_MAC = mac_bytes("52:54:00:12:34:56")
HOST_MAC = mac_bytes("52:54:00:00:00:01")
GUEST_LL, HOST_LL = ip6("fe80::5054:ff:fe12:3456"), ip6("fe80::1")
PORT = 7777
HALF = 1 << 31
RUN_CHECKS = 15
SNMP_CHECKS = 6

results = []


def report(good, what, *diag):
    results.append(good)
    print("%s - %s" % ("ok" if good else "not ok", what), flush=True)
    for d in diag if not good else []:
        print("# %s" % d, flush=True)
    return good


def flagstr(fl):
    return "".join(ch for bit, ch in ((wire.SYN, "S"), (wire.FIN, "F"), (wire.RST, "R"),
                                      (PSH, "P"), (ACK, "A")) if fl & bit) or "-"


def open_link(portfile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.bind(("127.0.0.1", 0))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    qport = probe.getsockname()[1]
    probe.close()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (s.getsockname()[1], qport))
    os.rename(portfile + ".tmp", portfile)
    return wire.Link(s, ("127.0.0.1", qport), HOST_MAC, HOST_IP, GUEST_IP, HOST_LL)


def monitor(*cmds):
    """Answers of QEMU's monitor (HTUX_QEMU_MONITOR, a unix socket), for
    the diagnostics of a guest that stopped answering."""
    path = os.environ.get("HTUX_QEMU_MONITOR")
    out = []
    if not path:
        return out
    try:
        m = socket.socket(socket.AF_UNIX)
        m.settimeout(2)
        m.connect(path)
        time.sleep(0.2)
        m.recv(65536)
        for cmd in cmds:
            m.sendall(cmd.encode() + b"\n")
            time.sleep(0.5)
            text = b""
            try:
                while True:
                    k = m.recv(65536)
                    if not k:
                        break
                    text += k
            except socket.timeout:
                pass
            text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text.decode(errors="replace"))
            out += ["%s: %s" % (cmd.split()[1], l.strip()) for l in text.splitlines()
                    if l.strip() and "(qemu)" not in l and "info " not in l]
        m.close()
    except OSError as e:
        out.append("QEMU monitor: %s" % e)
    return out


def pure_ack_after(c, send, what):
    """Sends a segment on c (send(c)); the guest must answer with a pure
    ACK of c.snd_nxt, and deliver nothing."""
    before = len(c.seen)
    got = len(c.got)
    send(c)
    end = time.time() + 3
    while time.time() < end and not c.rst:
        c.link.poll(0.05)
        if any(f.ack == c.snd_nxt and not f.payload and f.flags & ACK and not f.flags & FIN
               for f in c.seen[before:]):
            break
    acks = [f for f in c.seen[before:] if f.flags & ACK and f.ack == c.snd_nxt and not f.payload]
    c.link.poll(0.3)
    extra = len(c.got) - got
    return report(bool(acks) and not c.rst and extra == 0, what,
                  *([] if acks else ["no ACK of %d came back (%d segments seen)" %
                                     (c.snd_nxt, len(c.seen) - before)]) +
                  (["the connection was reset"] if c.rst else []) +
                  (["%d bytes came back" % extra] if extra else []))


def window_checks(link, c):
    """The regression checks of issue 14: segments outside the window."""
    def seg(off, flags, payload):
        return lambda c: c.raw(c.snd_nxt + off, c.rcv_nxt, flags, payload)
    pure_ack_after(c, seg(HALF, ACK | PSH, b"X"),
                   "1 byte at rcv_nxt + 2^31 (insane offset): a pure ACK, nothing delivered")
    pure_ack_after(c, seg(HALF, ACK | FIN, b""),
                   "a FIN at rcv_nxt + 2^31: a pure ACK, the connection stays open")
    ok = True
    for off, n in ((HALF - 1, 1000), (HALF + 1, 1), (-HALF + 1, 1000), (-1, 1),
                   (1 << 20, 100), (-(1 << 20), 100), (-70000, 1460)):
        before = len(c.seen)
        c.raw(c.snd_nxt + off, c.rcv_nxt, ACK | PSH, b"Y" * n)
        end = time.time() + 3
        while time.time() < end and not any(f.ack == c.snd_nxt and not f.payload
                                            for f in c.seen[before:]):
            link.poll(0.05)
        if not any(f.ack == c.snd_nxt and not f.payload for f in c.seen[before:]):
            ok = report(False, "segments at rcv_nxt %+d (%d bytes): a pure ACK each" % (off, n))
            break
    if ok:
        report(not c.rst and not c.got,
               "7 more segments outside the window (+-2^31, -1, +-1 MiB): a pure ACK each",
               *(["reset or data came: %r" % bytes(c.got)] if c.rst or c.got else []))
    report(c.echo(b"still here\n"), "the connection still echoes after them")
    # an overlap: 3 bytes the guest has, then new ones: only "new" comes back
    c.raw(c.snd_nxt - 3, c.rcv_nxt, ACK | PSH, b"re\nnew\n")
    c.snd_nxt = (c.snd_nxt + 4) & 0xFFFFFFFF
    got = c.expect(4, 5)
    report(got == b"new\n", "a segment overlapping rcv_nxt is trimmed: its new bytes echoed",
           "got %r" % got)
    # bad checksums: dropped (counted in Tcp InErrs and InCsumErrors, Ip
    # InHdrErrors)
    for _ in range(3):
        c.raw(c.snd_nxt, c.rcv_nxt, ACK | PSH, b"bad\n", bad_csum=True)
    for _ in range(2):
        link.send_ip(wire.P_TCP, wire.tcp(HOST_IP, GUEST_IP, c.sport, c.dport, c.snd_nxt,
                                          c.rcv_nxt, ACK | PSH, payload=b"bad\n"),
                     fix_csum=False)
    link.poll(0.5)
    report(not c.got and c.echo(b"good\n"),
           "3 TCP segments and 2 IP headers with bad checksums dropped, the next good one echoed")


def syn_flood(link, n=int(os.environ.get("HTUX_SYN_FLOOD", "30000"))):
    """n SYNs to the listening port from spoofed addresses on the link,
    none of which will ever answer; then a real client must still get
    through, quickly."""
    r = random.Random(7)
    t0 = time.time()
    for i in range(n):
        src = ip4("10.0.0.%d" % r.randrange(3, 255))
        link.to_guest(wire.ETH_IP, wire.ipv4(src, GUEST_IP, wire.P_TCP, wire.tcp(
            src, GUEST_IP, r.randrange(1024, 65536), PORT, r.getrandbits(32), 0, wire.SYN,
            opts=struct.pack("!BBH", 2, 4, 1460))))
        if i % 32 == 31:
            link.poll(0.002)        # about what the guest takes in
    sent = time.time() - t0
    c = wire.Conn(link, 40004, PORT, iss=0x30000000)
    t1 = time.time()
    ok = c.connect(20) and c.echo(b"after the flood\n")
    took = time.time() - t1
    report(ok and took < 10, "%d spoofed SYNs in %.1f s, then a new connection echoes "
           "(in %.1f s)" % (n, sent, took))
    c.close()


def run(portfile, seed, seconds):
    link = open_link(portfile)
    up = link.resolve(90)
    c = wire.Conn(link, 40001, PORT)
    up = up and c.connect(60)
    report(up and c.echo(b"hello\n"), "the guest answers ARP, a TCP handshake and echoes")
    if up:
        window_checks(link, c)
    else:
        for _ in range(6):
            report(False, "(skipped: the guest never answered)")
    c.close()
    c2 = wire.Conn(link, 40002, PORT, iss=0x7FFFFFF0)
    report(c2.connect(10) and c2.echo(b"second\n"), "a second connection echoes")
    c2.close()
    # RFC 4862 5.4.4: an unsolicited NA for an address in use (past DAD)
    # does not make it a duplicate (lwIP dropped the address)
    before = link.ping6(GUEST_LL, 10)
    na = struct.pack("!I", 0x20000000) + GUEST_LL + b"\x02\x01" + mac_bytes("02:00:00:00:00:66")
    allnodes = ip6("ff02::1")
    link.to_guest(wire.ETH_IP6, wire.ipv6(HOST_LL, allnodes, wire.P_ICMP6,
                                          wire.icmp(136, 0, na, HOST_LL, allnodes), hlim=255))
    link.poll(0.5)
    report(before and link.ping6(GUEST_LL, 10),
           "an unsolicited NA for its link-local address: ping6 still answered",
           "ping6 before the NA: %s" % ("answered" if before else "no answer"))
    syn_flood(link)

    if seconds > 0:
        import fuzz
        fz = fuzz.Fuzzer(link, random.Random(seed), PORT, GUEST_LL)
        n, alive = fz.run(seconds)
        if not alive:
            fz.save(os.environ.get("HTUX_FUZZ_SAVE", "harden_net.frames"))
            qom = "/machine/peripheral/n0dev/virtio-backend"
            diag = monitor("info registers -a", "info virtio-queue-status %s 0" % qom,
                           "info virtio-queue-status %s 1" % qom, "info lapic",
                           "nmi")  # the kernel's report of every CPU and thread
            fz.notes += [l for l in diag if re.search("RIP=|inuse|used_idx|avail_idx|IRR|ISR|Timer", l)]
            # the receive ring's flags and indexes as the guest sees them
            ring = [re.search(r"(avail|used): +0x([0-9a-f]+)", l) for l in diag[:40]]
            ring = [m for m in ring if m][:2]
            fz.notes += [l for l in monitor(*["xp /2hx 0x%s" % m.group(2) for m in ring])
                         if re.search("^xp: [0-9a-f]+:", l)]
        for note in fz.notes:
            print("# %s" % note, flush=True)
        report(alive, "%d fuzzed frames in %d s (seed %d): the guest stayed alive" %
               (n, seconds, seed))
    else:
        report(link.ping(10), "no fuzzing (0 s): the guest answers ping")
    report(link.ping(10), "after fuzzing: ping answered")
    report(link.ping6(GUEST_LL, 10), "after fuzzing: ping6 to its link-local address answered")
    report(link.udp_echo(PORT, 10), "after fuzzing: a UDP datagram echoed")
    c3 = wire.Conn(link, 40003, PORT, iss=0x20000000)
    up = c3.connect(15)
    ok = up and c3.echo(b"after fuzzing\n")
    report(ok, "after fuzzing: a new TCP connection echoes",
           "handshake %s, then %s" % ("done" if up else "not done",
                                      " ".join("%s:%d" % (flagstr(f.flags), len(f.payload))
                                               for f in c3.seen[-12:])))
    if ok:
        c3.send(b"quit\n")
        link.poll(1)
    return 0 if all(results) else 1


def snmp(path):
    text = open(path, errors="replace").read()
    lines = [l for l in text.splitlines() if ":" in l]
    tables = {}
    shape = True
    for i in range(0, len(lines) - 1, 2):
        h, v = lines[i].split(), lines[i + 1].split()
        if h[0] != v[0] or len(h) != len(v):
            shape = False
            break
        try:
            tables[h[0][:-1]] = dict(zip(h[1:], (int(x) for x in v[1:])))
        except ValueError:
            shape = False
    report(shape and len(tables) >= 4 and len(lines) % 2 == 0, "/proc/net/snmp: header and value lines in pairs")
    want = {"Ip": "Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams "
                  "InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes "
                  "ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates",
            "Tcp": "RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails "
                   "EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors",
            "Udp": "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
                   "InCsumErrors"}
    heads = {l.split()[0][:-1]: l.split()[1:] for l in lines[0::2]}
    report(all(heads.get(k, [])[:len(w.split())] == w.split() for k, w in want.items())
           and "Icmp" in heads and "UdpLite" in heads,
           "/proc/net/snmp: Ip, Icmp, Tcp, Udp, UdpLite with Linux's names in Linux's order")
    t = lambda k, f: tables.get(k, {}).get(f, -1)
    report(t("Tcp", "InErrs") >= 3 and t("Tcp", "InCsumErrors") >= 3,
           "Tcp InErrs and InCsumErrors count the bad checksums (%d, %d)" %
           (t("Tcp", "InErrs"), t("Tcp", "InCsumErrors")))
    report(t("Tcp", "InSegs") > 20 and t("Tcp", "OutSegs") > 20 and t("Tcp", "PassiveOpens") >= 3,
           "Tcp InSegs, OutSegs, PassiveOpens counted (%d, %d, %d)" %
           (t("Tcp", "InSegs"), t("Tcp", "OutSegs"), t("Tcp", "PassiveOpens")))
    report(t("Ip", "InReceives") >= t("Tcp", "InSegs") > 0 and t("Ip", "InHdrErrors") > 0 and
           t("Ip", "Forwarding") == 2 and t("Ip", "DefaultTTL") == 64,
           "Ip InReceives, InHdrErrors counted (%d, %d)" % (t("Ip", "InReceives"),
                                                          t("Ip", "InHdrErrors")))
    report(t("Icmp", "InEchos") >= 1 and t("Icmp", "OutEchoReps") >= 1 and
           t("Udp", "InDatagrams") >= 1 and t("Udp", "OutDatagrams") >= 1,
           "Icmp InEchos, OutEchoReps and Udp InDatagrams, OutDatagrams counted")
    return 0 if all(results) else 1


def replay(frames, portfile):
    link = open_link(portfile)
    if not link.resolve(90):
        return report(False, "the guest never answered ARP") and 1
    data = open(frames, "rb").read()
    off = n = 0
    while off + 4 <= len(data):
        k = struct.unpack("!I", data[off:off + 4])[0]
        link.send(data[off + 4:off + 4 + k])
        off += 4 + k
        n += 1
        if n % 16 == 0:
            link.poll(0.002)
    return 0 if report(link.ping(10), "%d frames replayed, ping answered" % n) else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["run"]:
        sys.exit(run(a[1], int(a[2]) if len(a) > 2 else 14, int(a[3]) if len(a) > 3 else 20))
    elif a[:1] == ["snmp"]:
        sys.exit(snmp(a[1]))
    elif a[:1] == ["replay"]:
        sys.exit(replay(a[1], a[2]))
    sys.exit("usage: peer.py run PORTFILE [SEED SECONDS] | snmp FILE | replay FRAMES PORTFILE")
