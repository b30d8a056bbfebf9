#!/usr/bin/env python3
"""Publish -> delivery latency through one hub path, one update at a time.

latency.py PUBLISH_PORT SUBSCRIBE_PORT TOKEN [COUNT]

One subscriber (topic t) on SUBSCRIBE_PORT, one keep-alive publisher on
PUBLISH_PORT: each update is published, its 200 awaited, then its delivery
awaited, before the next. Prints p50/p99 of the 200 and of the delivery, both
counted from the moment the POST was sent. No load: this is the cost of the
path, not a throughput figure (bench/compare.sh measures under load).
"""
import socket
import sys
import time

pub_port, sub_port, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


sub = connect(sub_port)
sub.sendall(b"GET /.well-known/mercure?topic=t HTTP/1.1\r\nHost: x\r\n\r\n")
received = b""
while b"\r\n\r\n:\n" not in received:
    received += sub.recv(65536)
received = b""
pub = connect(pub_port)
answered, delivered = [], []
for i in range(count):
    body = ("topic=t&id=l%d&data=x" % i).encode()
    request = (b"POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               token.encode() + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    start = time.perf_counter()
    pub.sendall(request)
    response = b""
    while not response.endswith(("l%d" % i).encode()):
        response += pub.recv(65536)
    ok = time.perf_counter()
    needle = ("id: l%d\n" % i).encode()
    while needle not in received:
        received += sub.recv(65536)
    done = time.perf_counter()
    received = b""
    answered.append((ok - start) * 1e3)
    delivered.append((done - start) * 1e3)


def pct(values, q):
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)]


print("200: p50 %.3f ms p99 %.3f ms | delivered: p50 %.3f ms p99 %.3f ms" %
      (pct(answered, .5), pct(answered, .99), pct(delivered, .5), pct(delivered, .99)))
