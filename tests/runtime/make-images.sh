#!/bin/bash
# tests/runtime/make-images.sh - builds the runtime tests' images offline
# from Debian's busybox-static and catatonit, as OCI image layouts (one per
# repository) under OUT:
#
#   OUT/busybox  1.36, latest   1 layer (busybox + applet symlinks, /etc/passwd,
#                               /etc/group); Cmd ["sh"], PATH in Env
#                1.36-v2s2      the same image as a Docker schema 2 manifest
#                arm64, arm64-v2s2   the same layer with an arm64 config (to
#                               prove that a pull picks linux/amd64)
#                multi          OCI index: arm64 first, then amd64 (1.36)
#                multi-v2s2     Docker manifest list: arm64-v2s2, 1.36-v2s2
#   OUT/httpd    1, latest      2 layers (busybox + /www): busybox httpd on 8080
#                               serving /www; GET /healthz -> 200 "ok";
#                               GET /cgi-bin/ready -> 200 when /tmp/ready exists,
#                               else 503 (pid 1 ignores SIGTERM)
#                graceful       same layers, Cmd sh -c "trap 'exit 0' TERM; httpd ... & wait"
#   OUT/pause    3.9, latest    1 layer (catatonit); Entrypoint ["/catatonit", "-P"]
#   OUT/digests.txt             "name:tag sha256:..." per tag
#
# Only tar, gzip and python3 (stdlib): no skopeo or umoci.  Reproducible:
# mtimes, owners and "created" are pinned to SOURCE_DATE_EPOCH (default
# 1700000000), so the digests change only with the busybox-static and
# catatonit packages.  Index entries are in push order (manifests before
# the indexes that name them).
#
# Usage: tests/runtime/make-images.sh OUT
set -euo pipefail
umask 022

OUT=${1:?usage: make-images.sh OUT}
EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || BUSYBOX=/usr/bin/busybox
CATATONIT=${CATATONIT:-/usr/bin/catatonit}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
for t in "$BUSYBOX" "$CATATONIT"; do
	[ -x "$t" ] || { echo "make-images: missing $t (busybox-static, catatonit)" >&2; exit 1; }
done

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/podlife-images.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# tar of a directory's content, pinned: names sorted, owner 0, mtime EPOCH
pack() {
	tar --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu \
		-C "$1" -cf "$2.tar" .
	gzip -n -9 <"$2.tar" >"$2.tar.gz"
}

# busybox layer
R=$TMP/busybox
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,var/run,home}
chmod 1777 "$R/tmp"
chmod 0700 "$R/root"
install -m 0755 "$BUSYBOX" "$R/bin/busybox"
"$BUSYBOX" --list-full | while read -r p; do
	[ "$p" = bin/busybox ] && continue
	mkdir -p "$R/$(dirname "$p")"
	ln -sf /bin/busybox "$R/$p"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
: >"$R/etc/hosts"
: >"$R/etc/resolv.conf"
pack "$R" "$TMP/l-busybox"

# /www layer of httpd
W=$TMP/www
mkdir -p "$W/www/cgi-bin"
echo ok >"$W/www/healthz"
echo '<html><body>libpodlife test httpd</body></html>' >"$W/www/index.html"
cat >"$W/www/cgi-bin/ready" <<'EOF'
#!/bin/sh
# readiness: 200 when /tmp/ready exists, else 503
if [ -e /tmp/ready ]; then
	printf 'Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nready\n'
else
	printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nnot ready\n'
fi
EOF
chmod 0755 "$W/www/cgi-bin/ready"
pack "$W" "$TMP/l-www"

# pause layer
P=$TMP/pause
mkdir -p "$P"/{proc,sys,dev,etc}
install -m 0755 "$CATATONIT" "$P/catatonit"
pack "$P" "$TMP/l-pause"

"$PY" - "$OUT" "$EPOCH" "$TMP" <<'EOF'
import datetime, hashlib, json, os, shutil, sys

out, epoch, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
OCI_M = "application/vnd.oci.image.manifest.v1+json"
OCI_I = "application/vnd.oci.image.index.v1+json"
OCI_C = "application/vnd.oci.image.config.v1+json"
OCI_L = "application/vnd.oci.image.layer.v1.tar+gzip"
D_M = "application/vnd.docker.distribution.manifest.v2+json"
D_L = "application/vnd.docker.distribution.manifest.list.v2+json"
D_C = "application/vnd.docker.container.image.v1+json"
D_LY = "application/vnd.docker.image.rootfs.diff.tar.gzip"
PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

def dumps(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":")).encode()

class Layout:
    def __init__(self, name):
        self.name, self.dir, self.entries = name, os.path.join(tmp, "oci-" + name), []
        os.makedirs(os.path.join(self.dir, "blobs", "sha256"))

    def put(self, data, mt):
        h = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.dir, "blobs", "sha256", h), "wb") as f:
            f.write(data)
        return {"mediaType": mt, "digest": "sha256:" + h, "size": len(data)}

    def layer(self, base):
        with open(os.path.join(tmp, base + ".tar"), "rb") as f:
            diff = "sha256:" + hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(tmp, base + ".tar.gz"), "rb") as f:
            return self.put(f.read(), OCI_L), diff

    def image(self, tags, layers, cfg, arch="amd64", docker=False):
        conf = {"architecture": arch, "os": "linux", "created": created, "config": cfg,
                "rootfs": {"type": "layers", "diff_ids": [d for _, d in layers]},
                "history": [{"created": created, "created_by": "make-images.sh"} for _ in layers]}
        cd = self.put(dumps(conf), D_C if docker else OCI_C)
        ls = [dict(l, mediaType=D_LY if docker else OCI_L) for l, _ in layers]
        m = {"schemaVersion": 2, "mediaType": D_M if docker else OCI_M, "config": cd, "layers": ls}
        return self.tag(tags, m, D_M if docker else OCI_M, {"architecture": arch, "os": "linux"})

    def tag(self, tags, doc, mt, platform=None):
        d = self.put(dumps(doc), mt)
        if platform:
            d["platform"] = platform
        for t in tags:
            e = dict(d, annotations={"org.opencontainers.image.ref.name": t})
            e.pop("platform", None)
            self.entries.append(e)
        return d

    def index(self, tags, children, docker=False):
        mt = D_L if docker else OCI_I
        return self.tag(tags, {"schemaVersion": 2, "mediaType": mt, "manifests": children}, mt)

    def finish(self, digests):
        with open(os.path.join(self.dir, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
        with open(os.path.join(self.dir, "index.json"), "wb") as f:
            f.write(dumps({"schemaVersion": 2, "mediaType": OCI_I, "manifests": self.entries}))
        for e in self.entries:
            digests.append("%s:%s %s" % (self.name, e["annotations"]["org.opencontainers.image.ref.name"], e["digest"]))
        dst = os.path.join(out, self.name)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.move(self.dir, dst)

digests = []
bb = Layout("busybox")
l = bb.layer("l-busybox")
cfg = {"Env": [PATH], "Cmd": ["sh"], "WorkingDir": "/",
       "Labels": {"org.opencontainers.image.title": "busybox"}}
amd = bb.image(["1.36", "latest"], [l], cfg)
amd2 = bb.image(["1.36-v2s2"], [l], cfg, docker=True)
arm = bb.image(["arm64"], [l], cfg, arch="arm64")
arm2 = bb.image(["arm64-v2s2"], [l], cfg, arch="arm64", docker=True)
bb.index(["multi"], [arm, amd])
bb.index(["multi-v2s2"], [arm2, amd2], docker=True)
bb.finish(digests)

ht = Layout("httpd")
l1, l2 = ht.layer("l-busybox"), ht.layer("l-www")
hcfg = {"Env": [PATH], "Cmd": ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"],
        "ExposedPorts": {"8080/tcp": {}}, "WorkingDir": "/"}
ht.image(["1", "latest"], [l1, l2], hcfg)
ht.image(["graceful"], [l1, l2], dict(hcfg, Cmd=["sh", "-c", "trap 'exit 0' TERM; httpd -f -v -p 8080 -h /www & wait"]))
ht.finish(digests)

pa = Layout("pause")
pa.image(["3.9", "latest"], [pa.layer("l-pause")], {"Entrypoint": ["/catatonit", "-P"]})
pa.finish(digests)

with open(os.path.join(out, "digests.txt"), "w") as f:
    f.write("\n".join(digests) + "\n")
EOF
cat "$OUT/digests.txt"
