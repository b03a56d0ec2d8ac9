#!/usr/bin/python3
"""tests/runtime/token_server.py - a Bearer token server and a reverse
proxy that demands its tokens, for the runtime tests (stdlib only).

docker-registry cannot check tokens without certificates, so the proxy
stands in front of the no-auth registry:

  token server  http://127.0.0.1:TOKEN_PORT/token?service=S&scope=X
                Basic credentials USER:PASSWORD -> 200 {"token": T,
                "access_token": T, "expires_in": 300}; otherwise 401
  proxy         http://127.0.0.1:PROXY_PORT/v2/... -> UPSTREAM, when the
                request carries "Authorization: Bearer T" for a token this
                server issued; otherwise 401 with
                WWW-Authenticate: Bearer realm="http://127.0.0.1:TOKEN_PORT/token",
                service="podlife-test",scope="repository:<repo>:pull"
  control       GET /stats on the token port: {"tokens": N, "manifest_get": N,
                "manifest_head": N, "blob_get": N} of proxied requests;
                GET /corrupt?on=1|0: serve blobs with their first byte changed
                GET /slow?ms=N: send each blob over 4 KiB in 8 pieces over N ms (0: off)

  test/bogus    a repository the proxy answers itself, with bad content for
                the client's error paths: tags invalid-json, huge (5 MiB),
                zstd (an unsupported layer type), no-amd64 (an index with
                arm64 only), wrong-digest (its Docker-Content-Digest names
                a manifest whose content does not hash to it),
                missing-blob (config 404), truncated (the config blob is
                served short), not-a-manifest (JSON without layers)

Usage: token_server.py --token-port P --proxy-port Q --upstream 127.0.0.1:R
       [--user U --password W] [--pidfile F]
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import secrets
import threading
import time
import urllib.parse

OCI_M = "application/vnd.oci.image.manifest.v1+json"
OCI_I = "application/vnd.oci.image.index.v1+json"
HELLO = b"hello, world\n"
HELLO_D = "sha256:" + hashlib.sha256(HELLO).hexdigest()
ZERO_D = "sha256:" + "0" * 64


def manifest(config_digest, size, layer_type="application/vnd.oci.image.layer.v1.tar+gzip"):
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_M,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": config_digest, "size": size},
                       "layers": [{"mediaType": layer_type, "digest": ZERO_D, "size": 10}]}).encode()


BOGUS = {
    "invalid-json": (OCI_M, b'{"schemaVersion": 2, "config": ', {}),
    "huge": (OCI_M, b"{" + b" " * (5 << 20) + b"}", {}),
    "zstd": (OCI_M, manifest(ZERO_D, 10, "application/vnd.oci.image.layer.v1.tar+zstd"), {}),
    "no-amd64": (OCI_I, json.dumps({"schemaVersion": 2, "mediaType": OCI_I, "manifests": [
        {"mediaType": OCI_M, "digest": ZERO_D, "size": 10,
         "platform": {"os": "linux", "architecture": "arm64"}}]}).encode(), {}),
    "wrong-digest": (OCI_M, manifest(ZERO_D, 10), {"Docker-Content-Digest": ZERO_D}),
    "missing-blob": (OCI_M, manifest(ZERO_D, 10), {}),
    "truncated": (OCI_M, manifest(HELLO_D, len(HELLO)), {}),
    "not-a-manifest": (OCI_M, b'{"schemaVersion": 2, "hello": "world"}', {}),
    ZERO_D: (OCI_M, manifest(ZERO_D, 10), {}),  # does not hash to its name
}
BOGUS_BLOBS = {HELLO_D: HELLO[:5]}

lock = threading.Lock()
tokens = set()
stats = {"tokens": 0, "manifest_get": 0, "manifest_head": 0, "blob_get": 0}
corrupt = [False]
slow_ms = [0]
args = None


def count(key):
    with lock:
        stats[key] += 1


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class TokenHandler(Quiet):
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        js = [("Content-Type", "application/json")]
        if u.path == "/stats":
            with lock:
                return self.send(200, json.dumps(stats).encode(), js)
        if u.path == "/corrupt":
            corrupt[0] = q.get("on", ["0"])[0] == "1"
            return self.send(200, b"{}", js)
        if u.path == "/slow":
            slow_ms[0] = int(q.get("ms", ["0"])[0])
            return self.send(200, b"{}", js)
        if u.path != "/token":
            return self.send(404)
        auth = self.headers.get("Authorization", "")
        ok = False
        if auth.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                ok = user == args.user and pw == args.password
            except ValueError:
                ok = False
        if not ok:
            return self.send(401, b'{"details":"incorrect username or password"}', js)
        t = secrets.token_hex(24)
        with lock:
            tokens.add(t)
            stats["tokens"] += 1
        body = {"token": t, "access_token": t, "expires_in": 300, "scope": q.get("scope", [""])[0]}
        self.send(200, json.dumps(body).encode(), js)


class ProxyHandler(Quiet):
    def handle_one(self):
        m = re.match(r"^/v2/(.+)/(manifests|blobs)/([^/?]+)$", urllib.parse.urlsplit(self.path).path)
        repo = m.group(1) if m else ""
        auth = self.headers.get("Authorization", "")
        with lock:
            good = auth.startswith("Bearer ") and auth[7:] in tokens
        if not good:
            scope = ',scope="repository:%s:pull"' % repo if repo else ""
            chal = 'Bearer realm="http://127.0.0.1:%d/token",service="podlife-test"%s' % (args.token_port, scope)
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
            return self.send(401, body, [("Content-Type", "application/json"), ("WWW-Authenticate", chal)])
        if m and m.group(2) == "manifests":
            count("manifest_head" if self.command == "HEAD" else "manifest_get")
        elif m and self.command == "GET":
            count("blob_get")
        if repo == "test/bogus":
            kind, ref = m.group(2), m.group(3)
            if kind == "manifests" and ref in BOGUS:
                mt, body, extra = BOGUS[ref]
                return self.send(200, body, [("Content-Type", mt)] + list(extra.items()))
            if kind == "blobs" and ref in BOGUS_BLOBS:
                return self.send(200, BOGUS_BLOBS[ref], [("Content-Type", "application/octet-stream")])
            return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN"}]}', [("Content-Type", "application/json")])
        host, _, port = args.upstream.rpartition(":")
        c = http.client.HTTPConnection(host, int(port), timeout=30)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "range")}
        c.request(self.command, self.path, headers=hdrs)
        r = c.getresponse()
        body = r.read() if self.command != "HEAD" else b""
        if m and m.group(2) == "blobs" and corrupt[0] and body:
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        keep = ("content-type", "docker-content-digest", "docker-distribution-api-version", "etag")
        headers = [(k, v) for k, v in r.getheaders() if k.lower() in keep]
        if self.command == "HEAD":
            self.send_response(r.status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", r.getheader("Content-Length", "0"))
            self.end_headers()
        elif m and m.group(2) == "blobs" and slow_ms[0] and len(body) > 4096:
            self.send_response(r.status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = (len(body) + 7) // 8
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
                time.sleep(slow_ms[0] / 8000.0)
        else:
            self.send(r.status, body, headers)
        c.close()

    do_GET = handle_one
    do_HEAD = handle_one


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--token-port", type=int, required=True)
    p.add_argument("--proxy-port", type=int, required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--user", default="podlife")
    p.add_argument("--password", default="podlife-secret")
    p.add_argument("--pidfile")
    args = p.parse_args()
    ts = http.server.ThreadingHTTPServer(("127.0.0.1", args.token_port), TokenHandler)
    ps = http.server.ThreadingHTTPServer(("127.0.0.1", args.proxy_port), ProxyHandler)
    ts.daemon_threads = ps.daemon_threads = True
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    threading.Thread(target=ts.serve_forever, daemon=True).start()
    ps.serve_forever()


if __name__ == "__main__":
    main()
