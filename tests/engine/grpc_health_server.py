#!/usr/bin/python3
"""tests/engine/grpc_health_server.py - gRPC servers for tests/engine/test_net.c.

Two servers on ephemeral ports of 127.0.0.1, with grpcio only (no
protobuf package: the messages are (de)serialised by hand):

  first   grpc.health.v1.Health/Check by service name:
            ""                SERVING
            "down"            NOT_SERVING
            "unknown-status"  UNKNOWN (the status field left out)
            "slow"            answers after 10 s (the client's deadline ends it)
            anything else     aborts with NOT_FOUND "unknown service"
  second  no service at all: every call ends with UNIMPLEMENTED

Prints "PORT1 PORT2" on one line once both listen, then serves until it
is killed (SIGTERM, SIGKILL) or the process that started it exits.
"""
import os
import time
from concurrent import futures

import grpc


def read_varint(b, i):
    v, shift = 0, 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        if not c & 0x80:
            return v, i
        shift += 7


def service_of(data):
    """HealthCheckRequest.service (field 1, a string); "" when absent."""
    i, service = 0, ""
    while i < len(data):
        key, i = read_varint(data, i)
        wire = key & 7
        if wire == 0:
            _, i = read_varint(data, i)
        elif wire == 2:
            n, i = read_varint(data, i)
            if key >> 3 == 1:
                service = data[i:i + n].decode("utf-8")
            i += n
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError("bad wire type")
    return service


def response(status):
    """HealthCheckResponse{status}; 0 is the default and not written."""
    return b"" if status == 0 else bytes([0x08, status])


def check(service, context):
    if service == "":
        return response(1)
    if service == "down":
        return response(2)
    if service == "unknown-status":
        return response(0)
    if service == "slow":
        end = time.monotonic() + 10
        while context.is_active() and time.monotonic() < end:
            time.sleep(0.02)
        return response(1)
    context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
    return b""


def main():
    health = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {
            "Check": grpc.unary_unary_rpc_method_handler(
                check,
                request_deserializer=service_of,
                response_serializer=lambda b: b,
            )
        },
    )
    first = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    first.add_generic_rpc_handlers((health,))
    port1 = first.add_insecure_port("127.0.0.1:0")
    second = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port2 = second.add_insecure_port("127.0.0.1:0")
    first.start()
    second.start()
    parent = os.getppid()
    print(port1, port2, flush=True)
    # until killed; a test that died without killing us leaves us orphaned
    while os.getppid() == parent:
        time.sleep(0.2)
    first.stop(0)
    second.stop(0)


if __name__ == "__main__":
    main()
