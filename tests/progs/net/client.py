#!/usr/bin/env python3
"""client.py: the host side of tests/boot/net.sh.

  client.py wait PORT SECONDS       wait until a TCP echo answers on PORT
  client.py many PORT N             N connections held open at once, each
                                    echoing its own bytes twice
  client.py bulk PORT MIB           MIB MiB echoed through one connection
  client.py udp PORT                one UDP datagram echoed
  client.py quit PORT               send "quit\\n" (the echo server exits)
Prints one line saying what it saw; exits 1 on any mismatch."""
import socket
import sys
import threading
import time

HOST = "127.0.0.1"


def roundtrip(s, data):
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        k = s.recv(65536)
        if not k:
            break
        got += k
    return got


def wait(port, secs):
    end = time.time() + secs
    while time.time() < end:
        try:
            with socket.create_connection((HOST, port), timeout=2) as s:
                s.settimeout(2)
                if roundtrip(s, b"ping") == b"ping":
                    print("up")
                    return 0
        except OSError:
            pass
        time.sleep(0.5)
    print("no answer")
    return 1


def many(port, n):
    conns = []
    for i in range(n):
        s = socket.create_connection((HOST, port), timeout=30)
        s.settimeout(30)
        if roundtrip(s, b"hello %d\n" % i) != b"hello %d\n" % i:
            print("connection %d: wrong echo" % i)
            return 1
        conns.append(s)
    bad = []

    def second(i, s):
        data = (b"%d." % i) * (100 + i)
        if roundtrip(s, data) != data:
            bad.append(i)

    ts = [threading.Thread(target=second, args=(i, s)) for i, s in enumerate(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for s in conns:
        s.close()
    print("%d connections open at once, %d wrong" % (n, len(bad)))
    return 1 if bad else 0


def bulk(port, mib):
    data = bytes((i * 7 + i // 4096) & 255 for i in range(1 << 20)) * mib
    with socket.create_connection((HOST, port), timeout=60) as s:
        s.settimeout(60)
        got = bytearray()
        sender = threading.Thread(target=s.sendall, args=(data,))
        sender.start()
        while len(got) < len(data):
            k = s.recv(1 << 16)
            if not k:
                break
            got += k
        sender.join()
    same = bytes(got) == data
    print("%d MiB echoed: %s" % (mib, "same bytes" if same else "different (%d bytes)" % len(got)))
    return 0 if same else 1


def udp(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(5)
        for attempt in range(5):
            u.sendto(b"datagram", (HOST, port))
            try:
                data, _ = u.recvfrom(100)
                print("udp echo: %s" % data.decode())
                return 0
            except socket.timeout:
                continue
    print("udp: no answer")
    return 1


def quit_(port):
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(b"quit\n")
        time.sleep(0.5)
    print("quit sent")
    return 0


cmd, port = sys.argv[1], int(sys.argv[2])
arg = int(sys.argv[3]) if len(sys.argv) > 3 else 0
sys.exit({"wait": lambda: wait(port, arg), "many": lambda: many(port, arg),
          "bulk": lambda: bulk(port, arg), "udp": lambda: udp(port),
          "quit": lambda: quit_(port)}[cmd]())
