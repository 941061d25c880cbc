"""fuzz.py: the frame fuzzer of tests/net/peer.py (issue 14). From one
seed (random.Random) it sends the guest, for a time budget, a mix of
generated and mutated frames: TCP on established connections with
sequence and acknowledgement numbers near and far from the guest's
(+-2^31), random flags, options, data offsets and lengths; out-of-order
floods; SYNs and SYN floods from spoofed addresses; TCP to closed ports;
UDP with bad lengths; ICMP of every type, errors quoting our connections;
IPv4 headers with bad lengths, options, addresses; fragment floods with
overlaps, holes and oversize datagrams; ARP of every shape; IPv6 with
extension header chains, fragments, neighbour discovery, MLD and ICMPv6
errors; Ethernet frames short, long and of other types. Every few seconds
(and at the end) the guest must still answer a ping. The frames sent are
kept (the last 200000) so that a failure can be replayed (peer.py replay).
The sequence of frames depends on the seed and on the guest's answers
(sequence numbers), so a replay is close to, not exactly, the run."""
import collections
import struct
import time

import wire
from wire import (ACK, BCAST, ETH_ARP, ETH_IP, ETH_IP6, FIN, P_ICMP, P_ICMP6, P_TCP, P_UDP,
                  PSH, RST, SYN, URG, arp, eth, icmp, ip4, ip6, ipv4, ipv6, tcp, udp)

M32 = 0xFFFFFFFF
HALF = 1 << 31
ALLNODES = ip6("ff02::1")


class Fuzzer:
    def __init__(self, link, rng, port, guest_ll):
        self.link, self.r, self.port, self.gll = link, rng, port, guest_ll
        self.notes = []
        self.frames = collections.deque(maxlen=200000)
        link.log = self.frames
        self.conns = []
        self.sport = 42000
        self.counts = collections.Counter()
        self.gens = [
            (30, self.tcp_conn), (6, self.tcp_ooseq), (5, self.tcp_listen), (2, self.syn_flood),
            (3, self.tcp_closed), (3, self.tcp_garbage), (6, self.udp_any), (6, self.icmp_any),
            (6, self.ip4_mangle), (6, self.ip4_frags), (5, self.arp_any), (10, self.ip6_any),
            (4, self.ip6_frags), (4, self.eth_any), (1, self.icmp_flood), (1, self.arp_flood),
        ]
        self.total = sum(w for w, _ in self.gens)

    # ---- helpers

    def pick(self, *choices):
        return self.r.choice(choices)

    def rbytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def payload(self, most=1460):
        n = self.pick(0, 0, 1, 2, 7, 100, 536, 1000, most, self.r.randrange(most + 1))
        return self.rbytes(min(n, 64)) * (n // 64) + self.rbytes(n % 64)

    def spoof4(self):
        """A source address: ours, another on the link, off the link, or odd."""
        return self.pick(self.link.ip, self.link.ip, ip4("10.0.0.%d" % self.r.randrange(3, 255)),
                         self.rbytes(4), ip4("255.255.255.255"), ip4("0.0.0.0"),
                         ip4("127.0.0.1"), ip4("224.0.0.1"), self.link.guest_ip, ip4("10.0.0.255"))

    def dst4(self):
        return self.pick(*([self.link.guest_ip] * 8 + [ip4("10.0.0.255"), ip4("255.255.255.255"),
                                                       ip4("224.0.0.1"), self.rbytes(4)]))

    def tcp_opts(self):
        r = self.r
        opts = b""
        for _ in range(r.randrange(0, 5)):
            opts += self.pick(
                b"\x01", b"\x00", struct.pack("!BBH", 2, 4, r.randrange(65536)),
                struct.pack("!BBB", 3, 3, r.randrange(256)), b"\x04\x02",
                struct.pack("!BBII", 8, 10, r.getrandbits(32), r.getrandbits(32)),
                bytes([5, 2 + 8 * r.randrange(1, 5)]) + self.rbytes(32),
                bytes([r.randrange(256), r.randrange(256)]) + self.rbytes(r.randrange(8)),
                bytes([2, 0]), bytes([3, 255]), bytes([r.randrange(256)]))
        opts = opts[:40]
        return opts + b"\x00" * (-len(opts) % 4) if r.random() < 0.8 else opts

    def flags(self):
        return self.pick(ACK, ACK | PSH, ACK | PSH, ACK | FIN, RST, RST | ACK, SYN, SYN | ACK,
                         URG | ACK, 0, 0xFF, FIN, SYN | FIN, self.r.randrange(256))

    def send_tcp(self, src, sport, dport, seq, ack, fl, data=b"", opts=b"", doff=None,
                 bad=False, dst=None, wnd=None):
        r = self.r
        seg = tcp(src, dst or self.link.guest_ip, sport, dport, seq, ack, fl,
                  wnd=wnd if wnd is not None else self.pick(0, 1, 65535, r.randrange(65536)),
                  payload=data, opts=opts, doff=doff, urg=r.randrange(65536) if fl & URG else 0,
                  bad_csum=bad)
        self.link.to_guest(ETH_IP, ipv4(src, dst or self.link.guest_ip, P_TCP, seg,
                                        ident=r.randrange(65536)))

    def conn(self):
        """An established connection to fuzz (opened when needed)."""
        self.conns = [c for c in self.conns if c.state == "established" and not c.rst]
        if len(self.conns) < 4 or self.r.random() < 0.02:
            self.sport = self.sport + 1 if self.sport < 60000 else 42000
            c = wire.Conn(self.link, self.sport, self.port, iss=self.r.getrandbits(32))
            c.lax = True
            if c.connect(2):
                self.conns.append(c)
                if len(self.conns) > 8:
                    old = self.conns.pop(0)
                    old.raw(old.guest_ack, old.guest_nxt, RST | ACK)
                    old.close(0)
            else:
                c.close(0)
        return self.r.choice(self.conns) if self.conns else None

    # ---- TCP

    def tcp_conn(self):
        c = self.conn()
        if not c:
            return
        r = self.r
        d = self.pick(0, 0, 0, 1, -1, r.randrange(-2000, 2000), r.randrange(-300000, 300000),
                      HALF, HALF - 1, HALF + 1, -HALF + 1, 65535, 1 << 18, r.getrandbits(32))
        a = self.pick(0, 0, 0, 0, 1, -1, r.randrange(-3000, 3000), HALF, r.getrandbits(32))
        fl = self.flags()
        doff = r.randrange(16) if r.random() < 0.1 else None
        self.send_tcp(self.link.ip, c.sport, c.dport, c.guest_ack + d, c.guest_nxt + a, fl,
                      self.payload(), self.tcp_opts() if r.random() < 0.3 else b"", doff,
                      bad=r.random() < 0.03)
        if r.random() < 0.2:          # and a burst of data in order
            for i in range(r.randrange(1, 20)):
                data = self.payload()
                self.send_tcp(self.link.ip, c.sport, c.dport, c.guest_ack, c.guest_nxt,
                              ACK | PSH, data, wnd=65535)
                self.link.poll(0.001)

    def tcp_ooseq(self):
        """Out-of-order segments all over the window, a hole at rcv_nxt."""
        c = self.conn()
        if not c:
            return
        r = self.r
        step = self.pick(2, 3, 100, 1461, r.randrange(2, 5000))
        for i in range(r.randrange(10, 400)):
            n = self.pick(1, 1, step - 1, r.randrange(1, 1461))
            off = 1 + i * step if r.random() < 0.8 else r.randrange(1, 300000)
            fl = ACK | (FIN if r.random() < 0.05 else 0)
            self.send_tcp(self.link.ip, c.sport, c.dport, c.guest_ack + off, c.guest_nxt, fl,
                          self.rbytes(min(n, 32)) * (n // 32) + self.rbytes(n % 32), wnd=65535)
            if i % 16 == 15:
                self.link.poll(0.001)
        if r.random() < 0.5:          # fill the hole
            self.send_tcp(self.link.ip, c.sport, c.dport, c.guest_ack, c.guest_nxt, ACK | PSH,
                          b"h" * step, wnd=65535)

    def tcp_listen(self):
        """The listening port: SYNs with odd options, data, other flags,
        and handshakes completed with odd segments."""
        r = self.r
        sport = r.randrange(1024, 65536)
        iss = r.getrandbits(32)
        fl = self.pick(SYN, SYN, SYN | FIN, SYN | RST, SYN | ACK, SYN | PSH, self.flags())
        self.send_tcp(self.link.ip, sport, self.port, iss, r.getrandbits(32), fl, self.payload(),
                      self.tcp_opts(), wnd=r.randrange(65536))
        if fl == SYN and r.random() < 0.5:
            got = []
            h = lambda f: got.append(f) if f.proto == P_TCP and getattr(f, "dport", 0) == sport \
                and f.flags & SYN else None
            self.link.handlers.append(h)
            self.link.poll(0.05)
            self.link.handlers.remove(h)
            if got:
                g = got[-1]
                self.send_tcp(self.link.ip, sport, self.port, iss + 1 + self.pick(0, 0, 1, HALF),
                              g.seq + 1 + self.pick(0, 0, 1, -1, HALF), self.pick(ACK, ACK | PSH,
                              ACK | FIN, SYN | ACK, ACK | RST), self.payload(), self.tcp_opts())
                self.link.poll(0.001)
                self.send_tcp(self.link.ip, sport, self.port, iss + 1, g.seq + 1, RST | ACK)

    def syn_flood(self):
        r = self.r
        for i in range(r.randrange(50, 1500)):
            src = self.pick(self.link.ip, ip4("10.0.0.%d" % r.randrange(3, 255)), self.rbytes(4))
            self.send_tcp(src, r.randrange(1024, 65536), self.port, r.getrandbits(32), 0, SYN,
                          opts=struct.pack("!BBH", 2, 4, 1460), wnd=65535)
            if i % 32 == 31:
                self.link.poll(0.001)

    def tcp_closed(self):
        r = self.r
        self.send_tcp(self.spoof4(), r.randrange(65536), self.pick(0, 1, 80, r.randrange(65536)),
                      r.getrandbits(32), r.getrandbits(32), self.flags(), self.payload(),
                      self.tcp_opts(), dst=self.dst4())

    def tcp_garbage(self):
        """Random bytes as a TCP segment, checksum right or not."""
        r = self.r
        seg = bytearray(self.rbytes(r.randrange(0, 80)))
        if len(seg) >= 4 and r.random() < 0.7:
            seg[2:4] = struct.pack("!H", self.port)
        if len(seg) >= 18 and r.random() < 0.7:
            seg[16:18] = b"\0\0"
            seg[16:18] = struct.pack("!H", wire.l4_csum(self.link.ip, self.link.guest_ip, P_TCP,
                                                          bytes(seg)))
        self.link.send_ip(P_TCP, bytes(seg))

    # ---- UDP, ICMP, IPv4

    def udp_any(self):
        r = self.r
        data = self.payload(1472)
        dport = self.pick(self.port, self.port, 68, 53, 0, r.randrange(65536))
        length = self.pick(None, None, None, 0, 7, 8, len(data) + 9, r.randrange(65536))
        seg = udp(self.link.ip, self.link.guest_ip, r.randrange(65536), dport, data, length,
                  zero_csum=r.random() < 0.2)
        if r.random() < 0.05:
            seg = seg[:6] + b"\x12\x34" + seg[8:]
        self.link.to_guest(ETH_IP, ipv4(self.spoof4(), self.dst4(), P_UDP, seg))

    def quoted(self):
        """An IPv4 header and 8+ bytes, as an ICMP error quotes them."""
        r = self.r
        c = self.r.choice(self.conns) if self.conns and r.random() < 0.5 else None
        if c:
            inner = tcp(self.link.guest_ip, self.link.ip, c.dport, c.sport, c.guest_nxt,
                        c.guest_ack, ACK)
            return ipv4(self.link.guest_ip, self.link.ip, P_TCP, inner)[:self.pick(28, 40, 60)]
        return ipv4(self.link.guest_ip, self.spoof4(), self.pick(P_TCP, P_UDP, P_ICMP, 99),
                    self.rbytes(r.randrange(0, 40)), ihl=self.pick(None, 0, 15))

    def icmp_any(self):
        r = self.r
        typ = self.pick(0, 3, 4, 5, 8, 8, 11, 12, 13, 14, 17, 18, r.randrange(256))
        code = self.pick(0, 0, 1, 3, 4, r.randrange(256))
        if typ in (3, 4, 5, 11, 12):
            rest = struct.pack("!HH", 0, self.pick(0, 68, 576, 1500, r.randrange(65536))) + \
                self.quoted()
        else:
            rest = struct.pack("!HH", r.randrange(65536), r.randrange(65536)) + self.payload(1472)
        m = icmp(typ, code, rest)
        if r.random() < 0.1:
            m = m[:2] + self.rbytes(2) + m[4:]
        if r.random() < 0.1:
            m = m[:r.randrange(len(m) + 1)]
        self.link.to_guest(ETH_IP, ipv4(self.spoof4(), self.dst4(), P_ICMP, m))

    def ip4_mangle(self):
        """IPv4 headers with bad versions, lengths, options, checksums."""
        r = self.r
        payload = self.payload()
        opts = self.pick(b"", self.rbytes(4 * r.randrange(1, 11)), b"\x94\x04\x00\x00",
                         b"\x07\x27\x04" + b"\0" * 37, b"\x44\x28\x05\x00" + b"\0" * 36,
                         b"\x01\x01\x01\x00", b"\x00" * 4)
        h = ipv4(self.spoof4(), self.dst4(), self.pick(P_TCP, P_UDP, P_ICMP, 0, 2, 41, 58, 255,
                                                       r.randrange(256)),
                 payload, ident=r.randrange(65536), frag=self.pick(0, 0x4000, 0x8000, 0x2000 | 1),
                 ttl=self.pick(0, 1, 64, 255), tos=r.randrange(256), opts=opts,
                 total=self.pick(None, None, 0, 19, 20, len(payload) + 60, r.randrange(65536)),
                 ihl=self.pick(None, None, 0, 4, 5, 15), fix_csum=r.random() < 0.9)
        if r.random() < 0.1:
            h = bytes([self.pick(0x45, 0x65, 0x05, 0xF5, r.randrange(256))]) + h[1:]
        if r.random() < 0.1:
            h = h[:r.randrange(len(h) + 1)]
        self.link.to_guest(ETH_IP, h)

    def ip4_frags(self):
        """Fragments: whole datagrams cut up (in any order, some repeated,
        overlapping, or missing pieces), and floods of lone fragments."""
        r = self.r
        ident = r.randrange(65536)
        proto = self.pick(P_UDP, P_UDP, P_ICMP, P_TCP, r.randrange(256))
        if proto == P_UDP:
            body = udp(self.link.ip, self.link.guest_ip, 40000, self.port,
                       self.rbytes(r.randrange(0, 9000)))
        elif proto == P_ICMP:
            body = icmp(8, 0, struct.pack("!HH", 7, 7) + self.rbytes(r.randrange(0, 9000)))
        else:
            body = self.rbytes(r.randrange(0, 9000))
        size = self.pick(8, 16, 64, 512, 1400, 8 * r.randrange(1, 180))
        pieces = [(o, body[o:o + size]) for o in range(0, max(len(body), 1), size)]
        frags = []
        for i, (o, part) in enumerate(pieces):
            last = i == len(pieces) - 1
            frags.append((o // 8, part, not last))
        mode = r.randrange(6)
        if mode == 1:
            r.shuffle(frags)
        elif mode == 2 and frags:
            frags += [r.choice(frags) for _ in range(r.randrange(1, 5))]
        elif mode == 3 and len(frags) > 1:
            del frags[r.randrange(len(frags))]
        elif mode == 4:
            frags.append((r.randrange(8192), self.rbytes(r.randrange(0, 1480)), r.random() < 0.5))
        elif mode == 5:       # a flood of first pieces of different datagrams
            frags = [(0, self.rbytes(64), True)] * r.randrange(20, 400)
        for k, (off, part, more) in enumerate(frags[:400]):
            self.link.to_guest(ETH_IP, ipv4(self.link.ip, self.link.guest_ip, proto, part,
                                            ident=(ident + (k if mode == 5 else 0)) & 0xFFFF,
                                            frag=(0x2000 if more else 0) | (off & 0x1FFF)))
            if k % 16 == 15:
                self.link.poll(0.001)

    # ---- ARP

    def arp_any(self):
        r = self.r
        sha = self.pick(self.link.mac, self.rbytes(6), BCAST, b"\0" * 6)
        spa = self.pick(self.link.ip, self.spoof4(), self.link.guest_ip)
        if spa == self.link.ip:
            sha = self.link.mac       # the peer's own entry stays right
        body = arp(self.pick(1, 2, 0, 3, r.randrange(65536)), sha, spa,
                   self.pick(b"\0" * 6, self.rbytes(6)),
                   self.pick(self.link.guest_ip, self.spoof4()))
        if r.random() < 0.2:
            body = struct.pack("!HHBB", self.pick(1, 6, r.randrange(65536)),
                               self.pick(ETH_IP, ETH_IP6, r.randrange(65536)),
                               self.pick(6, 0, 255, r.randrange(256)),
                               self.pick(4, 0, 16, r.randrange(256))) + body[6:]
        if r.random() < 0.1:
            body = body[:r.randrange(len(body) + 1)]
        self.link.send(eth(self.pick(self.link.guest_mac, BCAST), self.link.mac, ETH_ARP, body))

    def arp_flood(self):
        for i in range(self.r.randrange(100, 1000)):
            spa = ip4("10.0.0.%d" % self.r.randrange(3, 255))
            self.link.send(eth(BCAST, self.rbytes(6), ETH_ARP,
                               arp(1, self.rbytes(6), spa, b"\0" * 6, self.link.guest_ip)))
            if i % 32 == 31:
                self.link.poll(0.001)

    def icmp_flood(self):
        for i in range(self.r.randrange(100, 1000)):
            self.link.send_ip(P_ICMP, icmp(8, 0, struct.pack("!HH", 9, i) + self.rbytes(56)))
            if i % 32 == 31:
                self.link.poll(0.001)

    # ---- IPv6

    def src6(self):
        return self.pick(self.link.ip6, self.link.ip6, ip6("fe80::%x" % self.r.randrange(2, 65536)),
                         ip6("::"), ip6("2001:db8::1"), ALLNODES, self.rbytes(16), self.gll)

    def dst6(self):
        return self.pick(self.gll, self.gll, self.gll, ALLNODES, ip6("ff02::1:ff12:3456"),
                         ip6("ff02::2"), self.rbytes(16))

    def nd_opts(self):
        r = self.r
        out = b""
        for _ in range(r.randrange(0, 4)):
            out += self.pick(
                bytes([1, 1]) + self.rbytes(6), bytes([2, 1]) + self.rbytes(6),
                bytes([3, 4, r.randrange(129), self.pick(0xC0, 0x40, 0x80, 0)]) +
                struct.pack("!III", r.getrandbits(32), r.getrandbits(32), 0) +
                self.pick(ip6("2001:db8::"), self.rbytes(16)),
                bytes([5, 1, 0, 0]) + struct.pack("!I", self.pick(0, 68, 1280, 1500, 65535,
                                                                  r.getrandbits(32))),
                bytes([25, 3, 0, 0]) + struct.pack("!I", r.getrandbits(32)) + self.rbytes(16),
                bytes([r.randrange(256), 0]) + self.rbytes(6),
                bytes([r.randrange(256), r.randrange(256)]) + self.rbytes(r.randrange(14)))
        return out

    def ip6_any(self):
        r = self.r
        src, dst = self.src6(), self.dst6()
        kind = r.randrange(8)
        if kind == 0:     # echo requests
            m = icmp(128, 0, struct.pack("!HH", 1, 1) + self.payload(1232), src, dst)
            nh, body = P_ICMP6, m
        elif kind == 1:   # neighbour discovery: RS, RA, NS, NA, redirect
            typ = self.pick(133, 134, 135, 136, 137)
            if typ == 134:
                rest = struct.pack("!BBHII", self.pick(0, 64, 255), r.randrange(256),
                                   self.pick(0, 1800, 65535), r.getrandbits(32),
                                   self.pick(0, 1000, r.getrandbits(32)))
            elif typ in (135, 136):
                tgt = self.pick(self.gll, self.link.ip6, ip6("ff02::1"), self.rbytes(16))
                flags = self.pick(0, 0x20000000, 0x40000000, 0x60000000, 0xE0000000)
                rest = struct.pack("!I", flags if typ == 136 else 0) + tgt
            elif typ == 137:
                rest = b"\0" * 4 + self.rbytes(16) + self.rbytes(16)
            else:
                rest = b"\0" * 4
            m = icmp(typ, self.pick(0, 0, r.randrange(256)), rest + self.nd_opts(), src, dst)
            nh, body = P_ICMP6, m
            ipb = ipv6(src, dst, nh, body, hlim=self.pick(255, 255, 64, 1))
            self.link.to_guest(ETH_IP6, ipb)
            return
        elif kind == 2:   # ICMPv6 errors and MLD
            typ = self.pick(1, 2, 3, 4, 130, 131, 132, 143, r.randrange(256))
            inner = ipv6(self.gll, self.link.ip6, self.pick(P_TCP, P_UDP, 58, 44),
                         self.rbytes(r.randrange(0, 64)))
            m = icmp(typ, r.randrange(256), struct.pack("!I", self.pick(0, 1280, 68, 65535,
                                                                        r.getrandbits(32))) +
                     (inner if typ < 128 else self.rbytes(r.randrange(0, 40))), src, dst)
            nh, body = P_ICMP6, m
        elif kind == 3:   # extension header chains
            body = b""
            nh = self.pick(P_UDP, P_ICMP6, P_TCP, 59, r.randrange(256))
            inner = self.payload(200)
            for _ in range(r.randrange(1, 6)):
                t = self.pick(0, 43, 60, 44, 51, r.randrange(256))
                n = r.randrange(0, 4)
                hdr = bytes([nh, n]) + self.rbytes(6 + 8 * n)
                if t == 43:
                    hdr = bytes([nh, n, self.pick(0, 2, 3, 4), r.randrange(256)]) + hdr[4:]
                if t == 44:
                    hdr = bytes([nh, 0]) + struct.pack("!HI", r.randrange(65536), r.getrandbits(32))
                if t in (0, 60) and r.random() < 0.5:   # options: pad, jumbo, router alert, odd
                    hdr = bytes([nh, n]) + self.pick(b"\x01\x04\0\0\0\0", b"\xc2\x04" + self.rbytes(4),
                                                     b"\x05\x02\0\0\x00\x00",
                                                     b"\x00" * 6, self.rbytes(6)) + self.rbytes(8 * n)
                inner = hdr + inner
                nh = t
            body = inner
        elif kind == 4:   # UDP and TCP over IPv6
            nh = self.pick(P_UDP, P_TCP)
            if nh == P_UDP:
                body = udp(src, dst, r.randrange(65536), self.pick(self.port, r.randrange(65536)),
                           self.payload(1200))
            else:
                body = tcp(src, dst, r.randrange(65536), self.pick(self.port, r.randrange(65536)),
                           r.getrandbits(32), r.getrandbits(32), self.flags(),
                           payload=self.payload(1200), opts=self.tcp_opts())
        else:             # random next header and payload
            nh, body = r.randrange(256), self.payload(1400)
        plen = self.pick(None, None, None, 0, len(body) + 8, r.randrange(65536))
        pkt = ipv6(src, dst, nh, body, hlim=self.pick(64, 255, 0, 1), plen=plen)
        if r.random() < 0.05:
            pkt = bytes([self.pick(0x40, 0x00, 0xF0, r.randrange(256))]) + pkt[1:]
        if r.random() < 0.05:
            pkt = pkt[:r.randrange(len(pkt) + 1)]
        self.link.to_guest(ETH_IP6, pkt)

    def ip6_frags(self):
        r = self.r
        ident = r.getrandbits(32)
        src, dst = self.link.ip6, self.pick(self.gll, self.gll, ALLNODES)
        body = self.pick(icmp(128, 0, struct.pack("!HH", 3, 3) + self.rbytes(r.randrange(0, 5000)),
                              src, dst),
                         udp(src, dst, 40000, self.port, self.rbytes(r.randrange(0, 5000))),
                         self.rbytes(r.randrange(0, 5000)))
        nh = self.pick(P_ICMP6, P_UDP, r.randrange(256))
        size = self.pick(8, 64, 1232, 8 * r.randrange(1, 160))
        frags = [(o // 8, body[o:o + size], o + size < len(body))
                 for o in range(0, max(len(body), 1), size)]
        mode = r.randrange(6)
        if mode == 1:
            r.shuffle(frags)
        elif mode == 2 and frags:
            frags += [r.choice(frags) for _ in range(3)]
        elif mode == 3 and len(frags) > 1:
            del frags[r.randrange(len(frags))]
        elif mode == 4:
            frags.append((r.randrange(8192), self.rbytes(r.randrange(0, 1200)), r.random() < 0.5))
        elif mode == 5:
            frags = [(0, self.rbytes(64), True)] * r.randrange(20, 300)
        for k, (off, part, more) in enumerate(frags[:300]):
            fh = struct.pack("!BBHI", nh, 0, (off << 3) | (1 if more else 0),
                             (ident + (k if mode == 5 else 0)) & M32)
            self.link.to_guest(ETH_IP6, ipv6(src, dst, 44, fh + part))
            if k % 16 == 15:
                self.link.poll(0.001)

    # ---- Ethernet

    def eth_any(self):
        r = self.r
        kind = r.randrange(5)
        if kind == 0:     # (not empty: QEMU takes an empty datagram for the end of the link)
            f = self.rbytes(r.randrange(1, 14))
        elif kind == 1:
            f = eth(self.pick(self.link.guest_mac, BCAST), self.link.mac,
                    self.pick(0x8100, 0x88A8, 0x88CC, 0x0000, 0x05DC, 0xFFFF, r.randrange(65536)),
                    self.payload())
        elif kind == 2:     # a VLAN tag before IPv4
            f = eth(self.link.guest_mac, self.link.mac, 0x8100,
                    struct.pack("!HH", r.randrange(65536), ETH_IP) +
                    ipv4(self.link.ip, self.link.guest_ip, P_ICMP,
                         icmp(8, 0, struct.pack("!HH", 5, 5))))
        elif kind == 3:     # longer than the MTU
            f = eth(self.link.guest_mac, self.link.mac, self.pick(ETH_IP, ETH_IP6, ETH_ARP),
                    self.rbytes(64) * r.randrange(24, 150))
        else:
            f = eth(self.rbytes(6), self.link.mac, ETH_IP,
                    ipv4(self.link.ip, self.link.guest_ip, P_UDP,
                         udp(self.link.ip, self.link.guest_ip, 1, self.port, b"x")))
        self.link.send(f)

    # ---- the run

    def run(self, seconds):
        start = time.time()
        end = start + seconds
        check = start + 5
        alive = True
        while time.time() < end:
            x = self.r.randrange(self.total)
            for w, g in self.gens:
                if x < w:
                    break
                x -= w
            before = self.link.sent
            try:
                g()
            except Exception as e:    # a bug here, not in the guest: say so and stop
                self.notes.append("fuzz.py failed in %s: %r" % (g.__name__, e))
                alive = False
                break
            self.counts[g.__name__] += self.link.sent - before
            self.link.poll(0.0005)
            if time.time() >= check:
                if not self.link.ping(10):
                    alive = False
                    self.notes.append("no ping answer after %.0f s, %d frames, the last kind %s; "
                                      "the guest's last frame came %.1f s ago (%d in all)" %
                                      (time.time() - start, self.link.sent, g.__name__,
                                       time.time() - self.link.last_rx, self.link.received))
                    break
                check = time.time() + 5
        for c in self.conns:
            c.raw(c.guest_ack, c.guest_nxt, RST | ACK)
            c.close(0)
        if alive:
            alive = self.link.ping(10)
            if not alive:
                self.notes.append("no ping answer at the end")
        self.notes.append("frames by kind: " + ", ".join("%s %d" % kv for kv in
                                                          sorted(self.counts.items())))
        return sum(self.counts.values()), alive

    def save(self, path):
        try:
            with open(path, "wb") as f:
                for fr in self.frames:
                    f.write(struct.pack("!I", len(fr)) + fr)
            self.notes.append("the last %d frames sent are in %s (peer.py replay)" %
                              (len(self.frames), path))
        except OSError as e:
            self.notes.append("cannot save the frames: %s" % e)
