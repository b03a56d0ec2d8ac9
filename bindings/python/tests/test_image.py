"""Image references, pull policies and the keyring, on the vectors of
tests/image/*.c (distribution/reference, parsers_test.go,
credentialprovider keyring_test.go and config_test.go)."""

from __future__ import annotations

import base64
import json
import warnings

import pytest

import podlife
from podlife import PullAction, PullPolicy
from conftest import CHECKOUT

F64 = "f" * 64
E3B0 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
DATA = CHECKOUT / "tests" / "image" / "data"

# normalize_test.go / parsers_test.go: input, domain, path, tag, digest,
# familiar, canonical (None: not checked)
NORMALIZED = [
    ("foo", "docker.io", "library/foo", None, None, "foo", "docker.io/library/foo"),
    ("docker.io/library/foo/bar", "docker.io", "library/foo/bar", None, None,
     "library/foo/bar", "docker.io/library/foo/bar"),
    ("test-com:8080/foo", "test-com:8080", "foo", None, None, "test-com:8080/foo",
     "test-com:8080/foo"),
    ("index.docker.io/fooo/bar", "docker.io", "fooo/bar", None, None, "fooo/bar",
     "docker.io/fooo/bar"),
    ("localhost/fooo/bar", "localhost", "fooo/bar", None, None, "localhost/fooo/bar",
     "localhost/fooo/bar"),
    ("busybox:1.36", "docker.io", "library/busybox", "1.36", None, "busybox:1.36",
     "docker.io/library/busybox:1.36"),
    ("quay.io/x/y@sha256:" + F64, "quay.io", "x/y", None, "sha256:" + F64,
     "quay.io/x/y@sha256:" + F64, "quay.io/x/y@sha256:" + F64),
    ("user/repo:tag", "docker.io", "user/repo", "tag", None, "user/repo:tag",
     "docker.io/user/repo:tag"),
    ("url:5000/repo:latest@sha256:" + E3B0, "url:5000", "repo", "latest", "sha256:" + E3B0,
     None, "url:5000/repo:latest@sha256:" + E3B0),
    ("192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", None, "192.168.0.1:80",
     "docker.io/library/192.168.0.1:80"),
    ("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", None, None, None),
]

BAD = [
    ("", "invalid reference format"),
    ("ROOT", "invalid reference format: repository name (library/ROOT) must be lowercase"),
    ("http://root", "invalid reference format"),
    (E3B0, "invalid repository name (%s), cannot specify 64-byte hexadecimal strings" % E3B0),
    ("repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length"),
    ("validname@invaliddigest:" + F64, "unsupported digest algorithm"),
    ("ubuntu ", None), ("docker///docker", None), ("repo@", None), ("[fc00::1]", None),
]


@pytest.mark.parametrize("case", NORMALIZED, ids=[c[0][:40] for c in NORMALIZED])
def test_reference_parse(case):
    text, domain, path, tag, digest, familiar, canonical = case
    ref = podlife.ImageReference.parse(text)
    assert ref.domain == domain
    assert ref.path == path
    assert ref.tag == tag
    assert ref.digest == digest
    if familiar:
        assert ref.familiar == familiar
    if canonical:
        assert ref.canonical == canonical
        assert str(ref) == canonical
    assert ref.name == domain + "/" + path
    assert ref.text == text


@pytest.mark.parametrize("text,message", BAD, ids=[b[0][:30] or "empty" for b in BAD])
def test_reference_errors(text, message):
    with pytest.raises(podlife.InvalidArgumentError) as ei:
        podlife.ImageReference.parse(text)
    assert ei.value.code == podlife.Code.EINVAL
    if message:
        assert str(ei.value) == message
        assert ei.value.errors[0].message == message


def test_reference_rejects_nul():
    with pytest.raises(ValueError):
        podlife.ImageReference.parse("busybox\0x")


@pytest.mark.parametrize("image,want", [
    ("nginx", PullPolicy.ALWAYS), ("nginx:latest", PullPolicy.ALWAYS),
    ("nginx:1.25", PullPolicy.IF_NOT_PRESENT), ("nginx:LATEST", PullPolicy.IF_NOT_PRESENT),
    ("nginx@sha256:" + E3B0, PullPolicy.IF_NOT_PRESENT),
    ("nginx:latest@sha256:" + E3B0, PullPolicy.ALWAYS),
    ("localhost:5000/app", PullPolicy.ALWAYS), ("Foo:1", PullPolicy.IF_NOT_PRESENT),
    ("", PullPolicy.IF_NOT_PRESENT), ("192.168.0.1:80", PullPolicy.IF_NOT_PRESENT),
])
def test_default_pull_policy(image, want):
    # SetDefaults_Container
    assert podlife.default_pull_policy(image) == want


def test_policy_names():
    assert str(PullPolicy.ALWAYS) == "Always"
    assert PullPolicy.IF_NOT_PRESENT.k8s_name == "IfNotPresent"
    assert PullPolicy.NEVER.k8s_name == "Never"
    assert PullPolicy.UNSET.k8s_name == ""
    assert PullPolicy.from_name("Never") == PullPolicy.NEVER
    assert PullPolicy.from_name("always") == PullPolicy.UNSET
    assert podlife.ImageReference.parse("nginx:1").default_pull_policy == \
        PullPolicy.IF_NOT_PRESENT


def test_pull_decision():
    # image_manager.go shouldPullImage
    assert podlife.pull_decision(PullPolicy.ALWAYS, True) == PullAction.PULL
    assert podlife.pull_decision(PullPolicy.ALWAYS, False) == PullAction.PULL
    assert podlife.pull_decision("IfNotPresent", True) == PullAction.USE_LOCAL
    assert podlife.pull_decision("IfNotPresent", False) == PullAction.PULL
    assert podlife.pull_decision(PullPolicy.NEVER, True) == PullAction.USE_LOCAL
    assert podlife.pull_decision(PullPolicy.NEVER, False) == PullAction.NEVER_PULL
    assert podlife.pull_decision(PullPolicy.UNSET, False) == PullAction.NEVER_PULL


def test_never_pull_message():
    assert podlife.never_pull_message("flask-demo:version1") == \
        'Container image "flask-demo:version1" is not present with pull policy of Never'
    assert podlife.never_pull_message('a"b') == \
        'Container image "a\\"b" is not present with pull policy of Never'


# ---- keyring ------------------------------------------------------------------------


def ring(cfg):
    kr = podlife.Keyring()
    kr.add_config(cfg)
    return kr


def pairs(creds):
    return ",".join("%s:%s" % (c.username, c.password) for c in creds)


@pytest.mark.parametrize("key,target,hit", [
    # TestDockerKeyringForGlob / TestKeyringMiss
    ("https://hello.kubernetes.io", "hello.kubernetes.io", True),
    ("https://*.docker.io", "prefix.docker.io", True),
    ("https://prefix.*.io", "prefix.docker.io", True),
    ("https://*.docker.io/path", "prefix.docker.io/path", True),
    ("https://prefix.*.io/path", "prefix.docker.io/path/subpath", True),
    ("https://*.docker.io:8888", "prefix.docker.io:8888", True),
    ("https://*.docker.io/v1/", "prefix.docker.io/path:1111", True),
    ("prefix.docker.io:1111", "prefix.docker.io:1111/path", True),
    ("https://hello.kubernetes.io", "world.mesos.org", False),
    ("https://*.docker.com", "prefix.docker.io", False),
    ("https://suffix.*.io", "prefix.docker.io", False),
    ("https://prefix.*.io/path:1111", "prefix.docker.io/path/subpath:1111", False),
])
def test_glob_keys(key, target, hit):
    with ring({key: {"email": "foo@bar.baz", "auth": "Zm9vOmJhcg=="}}) as kr:
        assert pairs(kr.lookup(target + "/foo/bar")) == ("foo:bar" if hit else "")


def test_lookup_order():
    # TestDockerKeyringLookup
    kr = ring('{"bar.example.com/pong": {"username": "grace", "password": "squash"},'
              ' "bar.example.com": {"username": "ada", "password": "smash"}}')
    assert len(kr) == 2
    assert pairs(kr.lookup("bar.example.com")) == "ada:smash"
    assert pairs(kr.lookup("bar.example.com/pong")) == "grace:squash,ada:smash"
    assert pairs(kr.lookup("bar.example.com/pongz")) == "grace:squash,ada:smash"
    assert pairs(kr.lookup("example.com")) == ""
    creds = kr.lookup("bar.example.com/pong")
    assert [c.registry for c in creds] == ["bar.example.com/pong", "bar.example.com"]
    kr.close()


def test_docker_hub_and_lookup_image():
    with ring(b'{"https://index.docker.io/v1/": {"auth": "Zm9vOmJhcg=="}}') as kr:
        assert pairs(kr.lookup("google/docker-registry")) == "foo:bar"
        assert pairs(kr.lookup("jenkins")) == "foo:bar"
        assert pairs(kr.lookup("world.mesos.org/foo/bar")) == ""
        creds = kr.lookup_image("busybox:1.36")
        assert len(creds) == 1 and creds[0].registry == "index.docker.io"
        with pytest.raises(podlife.InvalidArgumentError):
            kr.lookup_image("Foo:1")


def test_config_forms_and_warnings():
    # auth wins over username/password; trailing newline kept; split at first ':'
    with ring({"r.io": {"username": "foo", "password": "bar", "auth": "cGluZzpwb25n"}}) as kr:
        assert pairs(kr.lookup("r.io/x")) == "ping:pong"
    with ring({"auths": {"r.io": {"auth": "Zm9vOmJhcgo="}, "s.io": {"Auth": "dTpwOnE"}}}) as kr:
        assert pairs(kr.lookup("r.io/x")) == "foo:bar\n"
        assert pairs(kr.lookup("s.io/x")) == "u:p:q"
    kr = podlife.Keyring()
    cfg = {"auths": {"bad host": {"auth": "Zm9vOmJhcg=="}, "ok.io": {"auth": "Zm9vOmJhcg=="}}}
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        diags = kr.add_config(cfg)
    assert len(diags) == 1 and diags[0].severity == podlife.Severity.WARNING
    assert [w.category for w in rec] == [podlife.PodlifeWarning]
    assert rec[0].filename == __file__
    assert len(kr) == 1
    kr.add_config('{"ok.io": {"username":"b","password":"c"}}')
    assert pairs(kr.lookup("ok.io/app")) == "foo:bar,b:c"
    kr.close()


@pytest.mark.parametrize("bad", [
    '{"r.io": {"auth":"pants"}}', '{"r.io": {"auth":"cGFudHM="}}', '{"r.io": {"email": false}}',
    '{"r.io": "x"}', "[1]", '{"r.io": {}', "",
])
def test_bad_configs(bad):
    with podlife.Keyring() as kr:
        with pytest.raises(podlife.ParseError) as ei:
            kr.add_config(bad)
        assert ei.value.field_errors
        assert len(kr) == 0


def test_no_password_in_messages():
    secret = "s3cr3t-pa55"
    auth = base64.b64encode(("user" + secret).encode()).decode()  # no ':'
    with podlife.Keyring() as kr:
        with pytest.raises(podlife.ParseError) as ei:
            kr.add_config({"r.io": {"auth": auth}})
        assert secret not in str(ei.value)
        assert auth not in str(ei.value)
        kr.add_config({"r.io": {"username": "u", "password": secret}})
        creds = kr.lookup("r.io/x")
        assert creds[0].password == secret
        assert secret not in repr(creds) and secret not in repr(creds[0]) and \
            secret not in str(creds[0])
        assert secret not in repr(kr)


def test_seed_files():
    with podlife.Keyring() as kr:
        assert kr.add_config_file(DATA / "dockerconfig-glob.json") == []
        assert len(kr) == 3
        assert pairs(kr.lookup("my-registry.io/images/app")) == "user1:pass1"
        assert pairs(kr.lookup("my-registry.io/images/subpath/app")) == "user3:pass3,user1:pass1"
        assert pairs(kr.lookup("a.my-registry.io/images/app")) == "user2:pass2"
        # the kubelet requires the same number of host labels
        assert pairs(kr.lookup("a.sub.my-registry.io/images/app")) == ""
        with pytest.raises(podlife.PodlifeIOError):
            kr.add_config_file(DATA / "no-such-file.json")
    with podlife.Keyring() as kr:
        name = kr.add_secret((DATA / "registry-pull-secret.yaml").read_text())
        assert name == "registry-pull-secret"
        assert pairs(kr.lookup("192.168.48.10/library/nginx")) == "admin:Harbor12345"


def test_secret_forms():
    cfg = json.dumps({"auths": {"r.io": {"username": "u", "password": "p"}}})
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pull"},
              "type": "kubernetes.io/dockerconfigjson",
              "data": {".dockerconfigjson": base64.b64encode(cfg.encode()).decode()}}
    with podlife.Keyring() as kr:
        assert kr.add_secret(secret) == "pull"
        assert pairs(kr.lookup("r.io/x")) == "u:p"
        with pytest.raises(podlife.NotFoundError):
            kr.add_secret({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "x"}})


def test_closed_keyring():
    kr = podlife.Keyring()
    kr.close()
    kr.close()
    assert kr.closed and "closed" in repr(kr)
    with pytest.raises(ValueError):
        kr.lookup("x")
