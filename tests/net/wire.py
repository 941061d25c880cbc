"""wire.py: raw Ethernet for tests/net/peer.py: frames built and parsed
by hand (Ethernet, ARP, IPv4, IPv6, ICMP, UDP, TCP), carried one frame per
UDP datagram to and from QEMU's "-netdev socket,udp=...,localaddr=..."
backend, and a small host side of a link to the guest: it answers ARP for
its own address, pings, and runs a minimal TCP client (handshake,
stop-and-wait data, ACKs) so that a test can step outside what a real TCP
stack would send. Python 3 standard library only."""
import socket
import struct
import time

ETH_IP, ETH_ARP, ETH_IP6 = 0x0800, 0x0806, 0x86DD
P_ICMP, P_TCP, P_UDP, P_ICMP6 = 1, 6, 17, 58
FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32
BCAST = b"\xff" * 6


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return socket.inet_aton(s)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, ETH_IP, 6, 4, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, ident=0, frag=0x4000, ttl=64, tos=0, opts=b"",
         total=None, ihl=None, fix_csum=True):
    """frag: the flags and fragment offset field (0x4000 is DF)."""
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl if ihl is not None else hl // 4), tos,
                    total if total is not None else hl + len(payload), ident, frag,
                    ttl, proto, 0, src, dst) + opts
    if fix_csum:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, hlim=64, plen=None, flow=0):
    return struct.pack("!IHBB", 6 << 28 | flow, len(payload) if plen is None else plen,
                       nh, hlim) + src + dst + payload


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, nh, length):
    return src + dst + struct.pack("!IxxxB", length, nh)


def l4_csum(src, dst, proto, seg):
    ps = pseudo4(src, dst, proto, len(seg)) if len(src) == 4 else pseudo6(src, dst, proto, len(seg))
    return csum(ps + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, wnd=65535, payload=b"", opts=b"",
        doff=None, urg=0, bad_csum=False):
    hl = 20 + len(opts)
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                    (doff if doff is not None else hl // 4) << 4, flags & 0xFF,
                    wnd & 0xFFFF, 0, urg) + opts
    seg = h + payload
    c = l4_csum(src, dst, P_TCP, seg) ^ (0x5A5A if bad_csum else 0)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, payload, length=None, zero_csum=False):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload) if length is None else length,
                      0) + payload
    c = 0 if zero_csum else (l4_csum(src, dst, P_UDP, seg) or 0xFFFF)
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp(typ, code, rest, src6=None, dst6=None):
    """ICMP (or ICMPv6 when src6 and dst6 are given) with its checksum."""
    m = struct.pack("!BBH", typ, code, 0) + rest
    c = csum(pseudo6(src6, dst6, P_ICMP6, len(m)) + m) if src6 else csum(m)
    return m[:2] + struct.pack("!H", c) + m[4:]


class Frame:
    """A received frame, parsed as far as the test needs."""

    def __init__(self, data):
        self.data = data
        self.dst, self.src = data[0:6], data[6:12]
        self.etype = struct.unpack("!H", data[12:14])[0] if len(data) >= 14 else 0
        self.proto = None
        self.l4 = b""
        if self.etype == ETH_IP and len(data) >= 34:
            ip = data[14:]
            hl = (ip[0] & 15) * 4
            total = struct.unpack("!H", ip[2:4])[0]
            self.proto = ip[9]
            self.ip_src, self.ip_dst = ip[12:16], ip[16:20]
            self.frag = struct.unpack("!H", ip[6:8])[0]
            self.l4 = ip[hl:total]
        elif self.etype == ETH_IP6 and len(data) >= 54:
            ip = data[14:]
            self.proto = ip[6]
            self.ip_src, self.ip_dst = ip[8:24], ip[24:40]
            self.l4 = ip[40:40 + struct.unpack("!H", ip[4:6])[0]]
        if self.proto == P_TCP and len(self.l4) >= 20:
            (self.sport, self.dport, self.seq, self.ack, off, self.flags,
             self.wnd) = struct.unpack("!HHIIBBH", self.l4[:16])
            self.payload = self.l4[(off >> 4) * 4:]
        elif self.proto == P_UDP and len(self.l4) >= 8:
            self.sport, self.dport = struct.unpack("!HH", self.l4[:4])
            self.payload = self.l4[8:]


class Link:
    """The host end of the guest's network card: a UDP socket that QEMU
    sends the guest's frames to and takes frames for the guest from."""

    def __init__(self, sock, qemu_addr, mac, ip, guest_ip, ip6_ll=None):
        self.sock, self.qemu = sock, qemu_addr
        self.mac, self.ip, self.guest_ip = mac, ip, guest_ip
        self.ip6 = ip6_ll
        self.guest_mac = BCAST
        self.conns = {}             # local port -> Conn
        self.handlers = []          # called with every frame not eaten above
        self.sent = self.received = 0
        self.last_rx = 0.0
        self.log = None             # a list: every frame sent, for a replay

    def send(self, frame):
        if not frame:
            return                  # QEMU's socket backend would take it for the end of the link
        if self.log is not None:
            self.log.append(frame)
        try:
            self.sock.sendto(frame, self.qemu)
            self.sent += 1
        except OSError:
            pass                    # QEMU gone, or the datagram too big: the test sees it later

    def to_guest(self, etype, payload, src=None):
        self.send(eth(self.guest_mac, src or self.mac, etype, payload))

    def send_ip(self, proto, payload, **kw):
        self.to_guest(ETH_IP, ipv4(self.ip, self.guest_ip, proto, payload, **kw))

    def poll(self, timeout):
        """Takes frames for up to timeout seconds (at least one look)."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            self.sock.settimeout(max(left, 0.0005))
            try:
                data, _ = self.sock.recvfrom(65536)
            except (socket.timeout, BlockingIOError):
                return
            except OSError:
                return
            self.received += 1
            self.last_rx = time.time()
            self.dispatch(Frame(data))
            if time.time() >= end:
                return

    def dispatch(self, f):
        if f.etype == ETH_ARP and len(f.data) >= 42:
            op = struct.unpack("!H", f.data[20:22])[0]
            sha, spa, tpa = f.data[22:28], f.data[28:32], f.data[38:42]
            if spa == self.guest_ip:
                self.guest_mac = sha
            if op == 1 and tpa == self.ip:
                self.send(eth(sha, self.mac, ETH_ARP, arp(2, self.mac, self.ip, sha, spa)))
        elif f.proto == P_ICMP6 and self.ip6 and f.l4[:1] == b"\x87" and f.l4[8:24] == self.ip6:
            # a neighbour solicitation for our address: the advertisement
            na = struct.pack("!I", 0x60000000) + self.ip6 + struct.pack("!BB", 2, 1) + self.mac
            self.send(eth(f.src, self.mac, ETH_IP6,
                          ipv6(self.ip6, f.ip_src, P_ICMP6,
                               icmp(136, 0, na, self.ip6, f.ip_src), hlim=255)))
        elif f.proto == P_TCP and f.ip_src == self.guest_ip and hasattr(f, "dport"):
            c = self.conns.get(f.dport)
            if c and c.dport == f.sport:
                c.segment(f)
        for h in self.handlers:
            h(f)

    def resolve(self, timeout):
        """Asks for the guest's MAC until it answers; True when it did."""
        end = time.time() + timeout
        while time.time() < end:
            self.send(eth(BCAST, self.mac, ETH_ARP, arp(1, self.mac, self.ip, b"\0" * 6,
                                                         self.guest_ip)))
            self.poll(0.3)
            if self.guest_mac != BCAST:
                return True
        return False

    def ping(self, timeout, ident=0x4854, size=56):
        """An ICMP echo to the guest; True when its reply came back."""
        got = []
        data = bytes(range(size % 256)) * (size // 256) + bytes(range(size % 256))

        def h(f):
            if f.proto == P_ICMP and f.l4[:1] == b"\0" and f.l4[4:6] == struct.pack("!H", ident) \
                    and f.l4[8:] == data:
                got.append(1)
        self.handlers.append(h)
        try:
            end = time.time() + timeout
            n = 0
            while time.time() < end and not got:
                n += 1
                self.send_ip(P_ICMP, icmp(8, 0, struct.pack("!HH", ident, n) + data))
                self.poll(0.5)
        finally:
            self.handlers.remove(h)
        return bool(got)

    def ping6(self, dst, timeout, ident=0x3636):
        """An ICMPv6 echo from our link-local address to dst."""
        got = []
        data = b"htux ping6"

        def h(f):
            if f.proto == P_ICMP6 and f.l4[:1] == b"\x81" and f.l4[4:6] == struct.pack("!H", ident):
                got.append(1)
        self.handlers.append(h)
        try:
            end = time.time() + timeout
            n = 0
            while time.time() < end and not got:
                n += 1
                m = icmp(128, 0, struct.pack("!HH", ident, n) + data, self.ip6, dst)
                self.to_guest(ETH_IP6, ipv6(self.ip6, dst, P_ICMP6, m))
                self.poll(0.5)
        finally:
            self.handlers.remove(h)
        return bool(got)

    def udp_echo(self, port, timeout, data=b"udp echo"):
        got = []

        def h(f):
            if f.proto == P_UDP and getattr(f, "sport", 0) == port and f.payload == data:
                got.append(1)
        self.handlers.append(h)
        try:
            end = time.time() + timeout
            while time.time() < end and not got:
                self.send_ip(P_UDP, udp(self.ip, self.guest_ip, 40000, port, data))
                self.poll(0.5)
        finally:
            self.handlers.remove(h)
        return bool(got)


class Conn:
    """A TCP connection from the host to the guest, one segment at a time.
    snd_nxt and rcv_nxt are the host's; segments() holds what came in."""

    def __init__(self, link, sport, dport, iss=0x10000000):
        self.link, self.sport, self.dport = link, sport, dport
        self.iss = iss
        self.snd_nxt = self.snd_una = iss
        self.rcv_nxt = 0
        self.got = bytearray()
        self.seen = []              # every segment from the guest
        self.rst = self.fin = False
        self.state = "closed"
        self.guest_ack = self.guest_nxt = 0
        self.lax = False            # the fuzzer's: follow the guest's numbers
        link.conns[sport] = self

    def raw(self, seq, ack, flags, payload=b"", **kw):
        self.link.send_ip(P_TCP, tcp(self.link.ip, self.link.guest_ip, self.sport, self.dport,
                                     seq, ack, flags, payload=payload, **kw))

    def segment(self, f):
        self.seen.append(f)
        if len(self.seen) > 5000:         # a long fuzzing run: keep the last ones
            del self.seen[:4000]
        if f.flags & ACK:
            self.guest_ack = f.ack          # the guest's rcv_nxt
        self.guest_nxt = (f.seq + len(f.payload) + (1 if f.flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        if f.flags & RST:
            if self.state != "synsent" or f.ack == self.snd_nxt:
                self.rst = True
            return
        if self.state == "synsent" and f.flags & SYN and f.flags & ACK and f.ack == self.iss + 1:
            self.rcv_nxt = (f.seq + 1) & 0xFFFFFFFF
            self.snd_una = self.snd_nxt = f.ack
            self.state = "established"
            self.raw(self.snd_nxt, self.rcv_nxt, ACK)
            return
        if self.state != "established":
            return
        if f.flags & ACK and ((f.ack - self.snd_una) & 0xFFFFFFFF) <= \
                ((self.snd_nxt - self.snd_una) & 0xFFFFFFFF):
            self.snd_una = f.ack
        elif self.lax and f.flags & ACK and ((f.ack - self.snd_nxt) & 0xFFFFFFFF) < 1 << 30:
            self.snd_una = self.snd_nxt = f.ack     # it took what the fuzzer sent
        n = len(f.payload)
        if n or f.flags & FIN:
            if self.lax and ((f.seq - self.rcv_nxt) & 0xFFFFFFFF) < 1 << 30:
                self.rcv_nxt = f.seq                # whatever came before is lost
            if f.seq == self.rcv_nxt:
                self.got += f.payload
                self.rcv_nxt = (self.rcv_nxt + n + (1 if f.flags & FIN else 0)) & 0xFFFFFFFF
                self.fin = self.fin or bool(f.flags & FIN)
            self.raw(self.snd_nxt, self.rcv_nxt, ACK)

    def connect(self, timeout):
        """SYN (again after each RST or silence) until the handshake ends."""
        end = time.time() + timeout
        while time.time() < end:
            self.state, self.rst = "synsent", False
            self.snd_nxt = self.iss
            self.raw(self.iss, 0, SYN, opts=struct.pack("!BBH", 2, 4, 1460))
            self.snd_nxt = self.iss + 1
            stop = time.time() + 1.0
            while time.time() < stop and self.state == "synsent" and not self.rst:
                self.link.poll(0.1)
            if self.state == "established":
                return True
            self.iss = (self.iss + 100000) & 0xFFFFFFFF
            time.sleep(0.2)
        return False

    def send(self, data, timeout=10):
        """Sends data in segments of up to 1000 bytes, each sent again
        until acknowledged; False on a reset or a timeout."""
        end = time.time() + timeout
        off = 0
        while off < len(data):
            chunk = data[off:off + 1000]
            start = self.snd_nxt
            self.snd_nxt = (start + len(chunk)) & 0xFFFFFFFF
            while self.snd_una != self.snd_nxt:
                if self.rst or time.time() > end:
                    return False
                self.raw(start, self.rcv_nxt, ACK | PSH, chunk)
                stop = time.time() + 0.5
                while time.time() < stop and self.snd_una != self.snd_nxt and not self.rst:
                    self.link.poll(0.05)
            off += len(chunk)
        return True

    def expect(self, n, timeout=10):
        """Waits until n more bytes came in order; returns them (fewer on
        a timeout)."""
        end = time.time() + timeout
        while len(self.got) < n and time.time() < end and not self.rst:
            self.link.poll(0.05)
        out = bytes(self.got[:n])
        del self.got[:n]
        return out

    def echo(self, data, timeout=10):
        return self.send(data, timeout) and self.expect(len(data), timeout) == data

    def close(self, timeout=3):
        """FIN, then the guest's FIN acknowledged; a reset if it does not come."""
        if self.state == "established" and not self.rst:
            self.raw(self.snd_nxt, self.rcv_nxt, FIN | ACK)
            self.snd_nxt = (self.snd_nxt + 1) & 0xFFFFFFFF
            end = time.time() + timeout
            while time.time() < end and not self.fin and not self.rst:
                self.link.poll(0.05)
            if not self.fin:
                self.raw(self.snd_nxt, self.rcv_nxt, RST | ACK)
        self.state = "closed"
        self.link.conns.pop(self.sport, None)
