#!/usr/bin/env python3
"""Writes a generated cluster for `vipflow replay` at scale: SERVICES ClusterIP Services with one slice of
ENDPOINTS ready endpoints each (cluster.json, as `kubectl get svc,endpointslices -o json` prints it) and a trace of
one TCP SYN to each of the first 1,000 Services (trace.pcap, Ethernet, microseconds).

usage: bench/scale-cluster.py SERVICES ENDPOINTS OUT_DIR
"""
import json
import os
import struct
import sys


def ipv4(a):
    return "%d.%d.%d.%d" % (a >> 24 & 255, a >> 16 & 255, a >> 8 & 255, a & 255)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn(src, dst, sport, dport):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = struct.pack("!IIBBH", src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + tcp


def main():
    services, endpoints, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    items = []
    for s in range(services):
        name = "svc-%d" % s
        ip = ipv4(0x0A600000 + s)
        items.append({"apiVersion": "v1", "kind": "Service",
                      "metadata": {"name": name, "namespace": "scale"},
                      "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip],
                               "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}})
        items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                      "metadata": {"name": name + "-1", "namespace": "scale",
                                   "labels": {"kubernetes.io/service-name": name}},
                      "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                      "endpoints": [{"addresses": [ipv4(0x0B000000 + s * endpoints + e)],
                                     "conditions": {"ready": True}, "nodeName": "node-%d" % (e % 8)}
                                    for e in range(endpoints)]})
    with open(os.path.join(out, "cluster.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}, f)
    with open(os.path.join(out, "trace.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(min(services, 1000)):
            frame = syn(0x0A0B0001, 0x0A600000 + i, 10000 + i, 80)
            f.write(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
