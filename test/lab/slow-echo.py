#!/usr/bin/env python3
# A slow "international" host for the latency lab: answers ICMP and ICMPv6 echo requests from user space,
# on raw sockets, after a fixed delay (this kernel has no netem). Run it in a namespace whose kernel
# echo replies are off (net.ipv4.icmp_echo_ignore_all=1, net.ipv6.icmp.echo_ignore_all=1).
# Usage: slow-echo.py DELAY_MS   (prints "ready" once both sockets are open; stops on SIGTERM)
import heapq, select, signal, socket, struct, sys, time

delay = float(sys.argv[1]) / 1000.0
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

v4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
v6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
print('ready', flush=True)
pending = []  # (due, seq, sock, packet, address)
n = 0
while True:
    timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else None
    readable, _, _ = select.select([v4, v6], [], [], timeout)
    now = time.monotonic()
    for s in readable:
        data, addr = s.recvfrom(65535)
        if s is v4:
            ihl = (data[0] & 0x0f) * 4
            icmp = data[ihl:]
            if len(icmp) < 8 or icmp[0] != 8:
                continue
            reply = bytearray(icmp)
            reply[0] = 0  # echo reply, same code, identifier, sequence and payload
            reply[2:4] = b'\0\0'
            reply[2:4] = struct.pack('!H', checksum(bytes(reply)))
        else:
            icmp = data
            if len(icmp) < 8 or icmp[0] != 128:
                continue
            # The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket (RFC 3542 section 3.1).
            reply = bytearray(icmp)
            reply[0] = 129
            reply[2:4] = b'\0\0'
        n += 1
        heapq.heappush(pending, (now + delay, n, s, bytes(reply), addr))
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, _, s, reply, addr = heapq.heappop(pending)
        try:
            s.sendto(reply, addr)
        except OSError:
            pass
