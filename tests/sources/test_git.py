"""Git sources: real repositories made here, a bare clone served as the remote (file:// and a local
http.server on 127.0.0.1), never the internet."""

import base64
import http.server
import os
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from minions.errors import UserError
from minions.sources.git import SOURCE_JSON, GitSpec, _Remote, fetch, parse_git_spec, read_commit, redact_url

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}


def git(cwd: Path, *args, input: bytes | None = None) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, env=ENV, input=input)
    return done.stdout.decode().strip()


def commit_file(work: Path, name: str, text: str, message: str) -> str:
    (work / name).write_text(text)
    git(work, "add", name)
    git(work, "commit", "-q", "-m", message)
    return git(work, "rev-parse", "HEAD")


class Remote:
    """A work repository and its bare clone: main has c1 (tag v1, annotated), c2, c4; feature/x has c3."""

    def __init__(self, root: Path):
        self.work = root / "work"
        self.work.mkdir()
        git(self.work, "init", "-q", "-b", "main")
        self.c1 = commit_file(self.work, "a.txt", "one\n", "c1")
        git(self.work, "tag", "-a", "v1", "-m", "release 1")
        self.c2 = commit_file(self.work, "b.txt", "two\n", "c2")
        git(self.work, "checkout", "-q", "-b", "feature/x")
        self.c3 = commit_file(self.work, "x.txt", "x\n", "c3")
        git(self.work, "checkout", "-q", "main")
        self.c4 = commit_file(self.work, "c.txt", "four\n", "c4")
        self.bare = root / "remote.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(self.work), str(self.bare)], check=True, env=ENV)
        self.url = self.bare.as_uri()

    def rev(self, name: str) -> str:
        return git(self.bare, "rev-parse", f"{name}^{{commit}}")

    def push_commit(self, name: str, text: str) -> str:
        sha = commit_file(self.work, name, text, name)
        git(self.work, "push", "-q", str(self.bare), "main")
        return sha


@pytest.fixture
def remote(tmp_path) -> Remote:
    return Remote(tmp_path)


def commit_count(repo: Path, commit: str) -> int:
    return int(git(repo, "rev-list", "--count", commit))


# --- parse_git_spec and redact_url


@pytest.mark.parametrize(
    ("text", "url", "ref"),
    [
        ("https://host.example/org/repo.git", "https://host.example/org/repo.git", None),
        ("https://host.example/org/repo.git@main", "https://host.example/org/repo.git", "main"),
        ("https://host.example/org/repo@feature/x", "https://host.example/org/repo", "feature/x"),
        ("https://user:secret@host.example/r.git", "https://user:secret@host.example/r.git", None),
        ("https://user@host.example/r.git@main", "https://user@host.example/r.git", "main"),
        ("http://host.example:8080/r@v1.2", "http://host.example:8080/r", "v1.2"),
        ("ssh://git@host.example:2222/org/r.git@release/2.0", "ssh://git@host.example:2222/org/r.git", "release/2.0"),
        ("git@host.example:org/repo.git@v1.2", "git@host.example:org/repo.git", "v1.2"),
        ("git@host.example:org/repo.git", "git@host.example:org/repo.git", None),
        ("host.example:org/repo@dev", "host.example:org/repo", "dev"),
        ("file:///srv/nowhere/r.git@dev", "file:///srv/nowhere/r.git", "dev"),
        ("file:///srv/nowhere/r.git", "file:///srv/nowhere/r.git", None),
    ],
)
def test_parse_git_spec_urls(text, url, ref):
    assert parse_git_spec(text) == GitSpec(url, ref)


def test_parse_git_spec_local_paths(remote, tmp_path, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "A.java").write_text("class A {}")
    at_name = tmp_path / "x@y"
    shutil.copytree(remote.bare, at_name)
    monkeypatch.chdir(tmp_path)
    bare = str(remote.bare.resolve())
    assert parse_git_spec(str(remote.bare)) == GitSpec(bare, None), "a bare repository"
    assert parse_git_spec("work") == GitSpec(str(remote.work.resolve()), None), "a checkout, relative"
    assert parse_git_spec("remote.git@feature/x") == GitSpec(bare, "feature/x"), "a local repository with a ref"
    assert parse_git_spec("work@v1") == GitSpec(str(remote.work.resolve()), "v1")
    assert parse_git_spec("x@y") == GitSpec(str(at_name.resolve()), None), "an existing path keeps its @"
    assert parse_git_spec(f"{remote.url}@v1") == GitSpec(remote.url, "v1")
    assert parse_git_spec(at_name.as_uri()) == GitSpec(at_name.as_uri(), None)
    assert parse_git_spec("plain") is None, "a folder without .git is the caller's to read"
    assert parse_git_spec("plain@main") is None
    assert parse_git_spec("missing") is None
    assert parse_git_spec("plain/A.java") is None


def test_parse_git_spec_ref_option():
    assert parse_git_spec("https://h.example/r.git", ref="v1") == GitSpec("https://h.example/r.git", "v1")
    assert parse_git_spec("https://h.example/r.git@v1", ref="v1").ref == "v1"
    with pytest.raises(UserError, match="names ref 'v1' but --ref says 'v2'"):
        parse_git_spec("https://h.example/r.git@v1", ref="v2")
    with pytest.raises(UserError, match="empty ref"):
        parse_git_spec("git@h.example:o/r.git@")
    for bad in ("a..b", "-upload-pack=x", "x y", "x~1", "x:y", "x.lock", "x@{1}"):
        with pytest.raises(UserError, match="not a valid git ref"):
            parse_git_spec("https://h.example/r.git", ref=bad)
    with pytest.raises(UserError, match="scheme"):
        parse_git_spec("ftp://h.example/r.git")


def test_redact_url_drops_credentials(fake):
    token, password = fake.github(), fake.password()
    cases = {
        f"https://{token}@github.example/org/r.git": "https://github.example/org/r.git",
        f"https://user:{password}@host.example/r.git/": "https://host.example/r.git",
        f"http://x-access-token:{token}@host.example:8080/r": "http://host.example:8080/r",
        f"https://host.example/r.git?private_token={token}": "https://host.example/r.git",
        f"ssh://git:{password}@host.example:22/org/r.git": "ssh://git@host.example:22/org/r.git",
        "ssh://git@host.example/org/r.git": "ssh://git@host.example/org/r.git",
        "git@host.example:org/r.git": "git@host.example:org/r.git",
        f"git:{password}@host.example:org/r.git": "git@host.example:org/r.git",
        f"file://u:{password}@localhost/srv/r.git/": "file://localhost/srv/r.git",
        "file:///srv/repos/r.git/": "file:///srv/repos/r.git",
        "/srv/repos/work/": "/srv/repos/work",
        "https://host.example/org/r": "https://host.example/org/r",
    }
    for url, shown in cases.items():
        assert redact_url(url) == shown
        assert token not in redact_url(url) and password not in redact_url(url)


# --- fetch


def test_fetch_branch_tag_and_default_branch_shallow(remote, tmp_path):
    cache = tmp_path / "sources"
    main = fetch(parse_git_spec(f"{remote.url}@main"), cache)
    assert (main.commit, main.ref, main.url) == (remote.rev("main"), "main", remote.url)
    assert commit_count(main.path, main.commit) == 1, "shallow by default"
    assert main.path.parent == cache
    assert f'"url": "{remote.url}"' in (main.path / SOURCE_JSON).read_text()
    tag = fetch(parse_git_spec(remote.url, ref="v1"), cache)
    assert (tag.commit, tag.ref) == (remote.c1, "v1"), "an annotated tag gives its commit"
    feature = fetch(parse_git_spec(f"{remote.url}@feature/x"), cache)
    assert feature.commit == remote.c3 == remote.rev("feature/x")
    default = fetch(parse_git_spec(remote.url), cache)
    assert (default.commit, default.ref) == (remote.c4, "main"), "no ref: the remote's default branch, named"
    assert len(list(cache.iterdir())) == 1, "one cache folder per URL"
    full = fetch(parse_git_spec(f"{remote.url}@main"), tmp_path / "full", shallow=False)
    assert commit_count(full.path, full.commit) == 3


def test_fetch_commit_ids(remote, tmp_path):
    cache = tmp_path / "sources"
    full = fetch(GitSpec(remote.url, remote.c2), cache)
    assert (full.commit, full.ref) == (remote.c2, remote.c2)
    assert commit_count(full.path, full.commit) == 1, "a full id is fetched by name, shallow"
    short = fetch(GitSpec(remote.url, remote.c3[:7]), tmp_path / "other")
    assert (short.commit, short.ref) == (remote.c3, remote.c3[:7])
    assert commit_count(short.path, short.commit) == 3, "an abbreviated id needs the whole history"
    again = fetch(GitSpec(remote.url, remote.c3[:7].upper()), tmp_path / "other")
    assert again.commit == remote.c3, "hex digits in either case"


def test_second_fetch_reuses_the_cache_and_sees_new_commits(remote, tmp_path):
    cache = tmp_path / "sources"
    first = fetch(GitSpec(remote.url, None), cache)
    (first.path / "marker").write_text("kept")
    newer = remote.push_commit("d.txt", "five\n")
    second = fetch(GitSpec(remote.url, None), cache)
    assert second.path == first.path and (second.path / "marker").exists(), "not cloned again"
    assert second.commit == newer == remote.rev("main") != first.commit
    assert [p for p, _, _ in read_commit(second.path, second.commit)] == ["a.txt", "b.txt", "c.txt", "d.txt"]


def test_fetch_from_a_local_path(remote, tmp_path, monkeypatch):
    got = fetch(parse_git_spec(str(remote.work)), tmp_path / "sources")
    assert got.commit == remote.c4 and got.url == str(remote.work.resolve())
    assert commit_count(got.path, got.commit) == 1
    monkeypatch.chdir(tmp_path)
    relative = fetch(GitSpec("remote.git", "feature/x"), tmp_path / "sources")
    assert relative.commit == remote.c3, "a relative path is the caller's, not the cache folder's"


def test_a_commit_the_cache_has_needs_no_remote(remote, tmp_path):
    cache = tmp_path / "sources"
    first = fetch(GitSpec(remote.url, remote.c2), cache)
    shutil.rmtree(remote.bare)
    again = fetch(GitSpec(remote.url, remote.c2[:10]), cache)
    assert (again.commit, again.path) == (remote.c2, first.path)
    with pytest.raises(UserError, match="is not a git repository"):
        fetch(GitSpec(remote.url, "main"), cache)


def one_line_error(excinfo, *secrets: str) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    for secret in secrets:
        assert secret not in message
    return message


def test_fetch_errors_name_the_problem(remote, tmp_path):
    cache = tmp_path / "sources"
    with pytest.raises(UserError) as unknown:
        fetch(GitSpec(remote.url, "no-such-branch"), cache)
    assert "has no branch or tag 'no-such-branch'" in one_line_error(unknown)
    with pytest.raises(UserError) as unknown_commit:
        fetch(GitSpec(remote.url, "deadbeef"), cache)
    assert "has no branch, tag or commit 'deadbeef'" in one_line_error(unknown_commit)
    with pytest.raises(UserError) as missing:
        fetch(GitSpec("file:///nonexistent/r.git", None), cache)
    assert "file:///nonexistent/r.git is not a git repository" in one_line_error(missing)
    empty = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(empty))
    with pytest.raises(UserError, match="has no commits"):
        fetch(GitSpec(empty.as_uri(), None), cache)


def test_git_messages_are_scrubbed_of_credentials(fake, tmp_path):
    """Whatever git prints goes into a message only without the URL's credentials, even where git
    itself would not hide them (an ssh password, a token in another URL)."""
    token, password = fake.github(), fake.password()
    url = f"ssh://git:{password}@host.example/r.git"
    remote = _Remote(tmp_path, {}, 0.0, 1.0, redact_url(url), (password,))
    stderr = f"fatal: unable to access 'https://x:{token}@proxy.example/': {password} rejected\nfatal: more\n"
    message = str(remote.error(stderr.encode()))
    assert token not in message and password not in message and "\n" not in message
    assert message.startswith(
        "git source ssh://git@host.example/r.git cannot be reached (unable to access 'https://proxy"
    )


# --- over HTTP: a server on 127.0.0.1 that refuses, serves behind a token, or hangs


class Server:
    """An http.server in a thread: `mode` deny answers 401 to everything; token serves `folder`
    (a bare repository, git's dumb http protocol) to requests with `expect` as their Authorization."""

    def __init__(self, mode: str, folder: Path | None = None, expect: str = "", tls: tuple[Path, Path] | None = None):
        self.seen: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder or "."), **kwargs)

            def do_GET(self):
                server.seen.append(self.headers.get("Authorization", ""))
                if mode == "hang":
                    server.release.wait(30)
                    return
                if mode == "deny" or self.headers.get("Authorization") != expect:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(*args, **kwargs) -> Server:
        servers.append(Server(*args, **kwargs))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


@pytest.fixture
def tls(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that git trusts (GIT_SSL_CAINFO)."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("GIT_SSL_CAINFO", str(cert))
    return cert, key


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_refused_credentials_are_an_auth_error_without_the_token(scheme, serve, fake, tmp_path, request):
    tls = request.getfixturevalue("tls") if scheme == "https" else None
    server = serve("deny", tls=tls)
    token = fake.github()
    for url in (f"{scheme}://{token}@127.0.0.1:{server.port}/r.git", f"{scheme}://127.0.0.1:{server.port}/r.git"):
        with pytest.raises(UserError) as refused:
            fetch(GitSpec(url, "main"), tmp_path / "sources", timeout_s=30)
        message = one_line_error(refused, token)
        assert f"git source {scheme}://127.0.0.1:{server.port}/r.git: access refused" in message
        assert "MINIONS_GIT_TOKEN" in message
    assert server.seen, "git reached the server"
    assert not any(token in p.read_text(errors="replace") for p in (tmp_path / "sources").rglob("*") if p.is_file())


def test_an_untrusted_certificate_is_named(serve, tls, tmp_path, monkeypatch):
    server = serve("deny", tls=tls)
    monkeypatch.delenv("GIT_SSL_CAINFO")
    with pytest.raises(UserError) as untrusted:
        fetch(GitSpec(f"https://127.0.0.1:{server.port}/r.git", None), tmp_path / "sources", timeout_s=30)
    assert "has a TLS certificate git does not trust" in one_line_error(untrusted)
    assert not server.seen, "no request goes past the handshake"


def test_token_from_env_is_sent_as_a_header_and_never_stored(remote, serve, fake, tmp_path, monkeypatch):
    git(remote.bare, "update-server-info")  # what git's dumb http protocol reads
    token = fake.github()
    expect = "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    server = serve("token", folder=remote.bare, expect=expect)
    url = f"http://127.0.0.1:{server.port}/"
    with pytest.raises(UserError, match="access refused"):
        fetch(GitSpec(url, "main"), tmp_path / "sources", timeout_s=30)
    monkeypatch.setenv("MINIONS_GIT_TOKEN", token)
    got = fetch(GitSpec(url, "main"), tmp_path / "sources", timeout_s=30)
    assert got.commit == remote.c4 and got.url == f"http://127.0.0.1:{server.port}"
    assert expect in server.seen
    stored = [p for p in (tmp_path / "sources").rglob("*") if p.is_file()]
    assert stored and not any(token.encode() in p.read_bytes() for p in stored), "the cache never holds the token"
    assert not any(expect.split()[1].encode() in p.read_bytes() for p in stored)


def test_unreachable_and_hanging_remotes(serve, tmp_path):
    with pytest.raises(UserError) as refused:
        fetch(GitSpec("http://127.0.0.1:9/r.git", None), tmp_path / "sources", timeout_s=30)
    assert "http://127.0.0.1:9/r.git cannot be reached" in one_line_error(refused)
    server = serve("hang")
    start = time.monotonic()
    with pytest.raises(UserError) as slow:
        fetch(GitSpec(f"http://127.0.0.1:{server.port}/r.git", None), tmp_path / "sources", timeout_s=1)
    assert "did not finish fetching" in one_line_error(slow)
    assert time.monotonic() - start < 10, "git's helper processes are killed too, not left holding the pipes"


def test_no_credential_helper_or_askpass_is_asked(serve, tmp_path, monkeypatch):
    """A user's keychain helper or askpass program could wait on a dialog: none of them runs."""
    asked = tmp_path / "asked"
    tool = tmp_path / "ask.sh"
    tool.write_text(f'#!/bin/sh\necho "$0 $*" >> {asked}\necho password=x\n')
    tool.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[credential]\n\thelper = {tool}\n[core]\n\taskPass = {tool}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_ASKPASS", str(tool))
    monkeypatch.setenv("SSH_ASKPASS", str(tool))
    server = serve("deny")
    with pytest.raises(UserError, match="access refused"):
        fetch(GitSpec(f"http://127.0.0.1:{server.port}/r.git", None), tmp_path / "sources", timeout_s=30)
    assert not asked.exists()


# --- read_commit


def test_read_commit_skips_what_is_not_a_readable_file(tmp_path):
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    (repo / "a.txt").write_text("alpha\n")
    (repo / "big.txt").write_text("x" * 64)
    os.symlink("a.txt", repo / "link")
    git(repo, "add", "a.txt", "big.txt", "link")
    blob = git(repo, "hash-object", "-w", "--stdin", input=b"legacy\n")
    raw_name = "caf\xe9.txt".encode("latin-1")  # a Latin-1 name: not UTF-8
    add = ["git", "-C", str(repo), "update-index", "--add", "--cacheinfo", f"100644,{blob},".encode() + raw_name]
    subprocess.run(add, check=True, env=ENV)
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},sub")
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{'2' * 40},ghost")  # a blob the repository lacks
    commit = git(repo, "commit-tree", "-m", "all kinds", git(repo, "write-tree", "--missing-ok"))
    got = list(read_commit(repo, commit, max_bytes=32))
    assert got == [
        ("a.txt", b"alpha\n", None),
        ("big.txt", None, "too large"),
        ("caf\\xe9.txt", None, "path not UTF-8"),
        ("ghost", None, "unreadable"),
        ("link", None, "symlink"),
        ("sub", None, "submodule"),
    ]
    assert list(read_commit(repo, commit))[1] == ("big.txt", b"x" * 64, None), "the cap is a parameter"


def test_read_commit_reads_many_blobs_in_order(tmp_path):
    files = {f"d{i % 7}/f{i:03}.txt": f"file {i}\n" * (i % 5) for i in range(300)}
    files["bin.dat"] = "\0\x01binary"
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "many")
    got = {path: data for path, data, _ in read_commit(repo, "HEAD")}
    assert got == {rel: text.encode() for rel, text in files.items()}
    first = next(iter(read_commit(repo, "HEAD")))
    assert first[0] == "bin.dat", "a reader may stop early"


def test_read_commit_of_a_commit_the_repository_lacks(tmp_path):
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    with pytest.raises(UserError) as bad:
        list(read_commit(repo, "1" * 40))
    assert "cannot list commit" in one_line_error(bad)
    with pytest.raises(UserError, match="cannot list commit"):
        list(read_commit(tmp_path / "nowhere", "HEAD"))
