"""Git sources: parse `URL[@REF]`, fetch it into a cache of bare repositories, read a commit's files.

Every git command runs with prompts off (no terminal prompt, no askpass, no credential helper), in a
session of its own so that ssh cannot open the terminal either, and under one deadline per fetch.
The remote URL reaches git through its environment config, never argv, and is never written to the
cache; an https token comes from MINIONS_GIT_TOKEN the same way. A URL is redacted (`redact_url`)
before it goes into an id, a file or a message, and git's stderr is scrubbed before it goes into one.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from minions.errors import UserError
from minions.records import stable_id

TOKEN_ENV = "MINIONS_GIT_TOKEN"
TOKEN_USER_ENV = "MINIONS_GIT_USER"  # the user name sent with the token; most hosts accept any
DEFAULT_MAX_BYTES = 1_000_000  # collect.MAX_BYTES
SOURCE_JSON = "minions-source.json"
_SCHEMES = {"https", "http", "ssh", "git+ssh", "ssh+git", "git", "file"}
_SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>.*)$", re.S)
# [user[:password]@]host:path, git's scp-like ssh form (a host has no `/`, so `./a:b` is a path)
_SCP = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(?P<path>.+)$", re.S)
_HEX = re.compile(r"^[0-9a-fA-F]{4,40}$")
# what `git check-ref-format` refuses, plus a leading `-` (it would read as an option)
_BAD_REF = re.compile(r"^-|^/|/$|\.\.|//|@\{|\.lock(/|$)|(^|/)\.|\.$|[\x00-\x20\x7f~^:?*\[\\]")
# the environment that points git at another repository than the one named with -C
_REPO_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


@dataclass(frozen=True)
class GitSpec:
    """A git source: the URL (a local path, file://, https://, http://, ssh:// or scp-like) and a ref.
    The URL is as given, credentials and all (git needs them): show it only through `redact_url`."""

    url: str
    ref: str | None


@dataclass(frozen=True)
class Checkout:
    """A fetched commit: the redacted URL, the full commit id, the ref asked for (or the default
    branch's name) and the cached bare repository that holds it."""

    url: str
    commit: str
    ref: str
    path: Path


def _is_repo(path: Path) -> bool:
    """A work tree (with `.git`) or a bare repository; a plain folder inside a repository is not one."""
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def _split_ref(path: str) -> tuple[str, str | None]:
    """`repo.git@v1` -> (`repo.git`, `v1`): the ref follows the last `@` of the path."""
    base, at, ref = path.rpartition("@")
    if not at or not base or base.endswith(("/", ":")):
        return path, None
    if not ref:
        raise UserError(f"git source {redact_url(base)}@ names an empty ref; write URL@REF or drop the @")
    return base, ref


def _check_ref(ref: str) -> str:
    if _BAD_REF.search(ref):
        raise UserError(f"{ref!r} is not a valid git ref name; give a branch, tag or commit id")
    return ref


def parse_git_spec(text: str, ref: str | None = None) -> GitSpec | None:
    """The git source `text` names (`URL[@REF]`), with `ref` (from --ref) when the text has none;
    None when it is not a git source (a folder that is not a repository, a missing path)."""
    spec = _parse(text)
    if spec is None:
        return None
    if spec.ref and ref and spec.ref != ref:
        raise UserError(f"git source {redact_url(spec.url)} names ref {spec.ref!r} but --ref says {ref!r}; give one")
    wanted = spec.ref or ref
    return GitSpec(spec.url, _check_ref(wanted) if wanted else None)


def _parse(text: str) -> GitSpec | None:
    if m := _URL.match(text):
        scheme = m["scheme"].lower()
        if scheme not in _SCHEMES:
            raise UserError(f"source {scheme}://… uses a scheme git sources do not take; use https, ssh or file")
        prefix = f"{m['scheme']}://{m['authority']}"
        if scheme == "file" and Path(unquote(m["rest"])).exists():
            return GitSpec(text, None)  # an existing path may hold an `@`
        path, ref = _split_ref(m["rest"])
        return GitSpec(prefix + path, ref)
    local = Path(text).expanduser()
    if local.exists():
        return GitSpec(str(local.resolve()), None) if _is_repo(local) else None
    base, _, ref = text.rpartition("@")
    if base and ref and _is_repo(Path(base).expanduser()):
        return GitSpec(str(Path(base).expanduser().resolve()), ref)
    if m := _SCP.match(text):
        path, ref = _split_ref(m["path"])
        return GitSpec(text[: m.start("path")] + path, ref)
    return None


def redact_url(url: str) -> str:
    """`url` without credentials, the repository's name in ids and messages: no user or password for
    http(s) and file, the user but no password for ssh (`git@` is the convention), no query or
    fragment; a trailing `/` dropped. A local path is returned as it is."""
    if m := _URL.match(url):
        userinfo, at, host = m["authority"].rpartition("@")
        if at and m["scheme"].lower() in _SSH_SCHEMES:
            host = userinfo.split(":", 1)[0] + "@" + host
        out = f"{m['scheme']}://{host}{re.split(r'[?#]', m['rest'], maxsplit=1)[0]}"
    elif (m := _SCP.match(url)) and m["user"]:
        out = f"{m['user'].split(':', 1)[0]}@{url[m.start('host') :]}"
    else:
        out = url
    while len(out) > 1 and out.endswith("/") and not out.endswith("://"):
        out = out[:-1]
    return out


def _remote_url(spec_url: str) -> str:
    """The URL git fetches from: a local path becomes an absolute file:// URL (git runs in the cache
    folder, where a relative path would name something else)."""
    if _URL.match(spec_url) or (_SCP.match(spec_url) and not Path(spec_url).exists()):
        return spec_url
    return Path(spec_url).expanduser().resolve().as_uri()


def _secrets(url: str) -> list[str]:
    """The credential parts of a URL, to scrub from anything git prints (parts under 4 characters
    would blank out ordinary text; the generic `scheme://user:password@` rule still covers them)."""
    if m := _URL.match(url):
        userinfo, keep_user = m["authority"].rpartition("@")[0], m["scheme"].lower() in _SSH_SCHEMES
    elif m := _SCP.match(url):
        userinfo, keep_user = m["user"] or "", True
    else:
        return []
    user, _, password = userinfo.partition(":")
    parts = [p for p in (password, "" if keep_user else user) if len(p) >= 4]  # https://TOKEN@host
    return parts + [unquote(p) for p in parts if unquote(p) != p]


def _token_config(url: str) -> dict[str, str]:
    """MINIONS_GIT_TOKEN as an Authorization header for this URL's host only (http(s) URLs without
    credentials of their own)."""
    token = os.environ.get(TOKEN_ENV, "")
    m = _URL.match(url)
    if not token or not m or m["scheme"].lower() not in ("http", "https") or "@" in m["authority"]:
        return {}
    user = os.environ.get(TOKEN_USER_ENV) or "x-access-token"
    basic = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {f"http.{m['scheme']}://{m['authority']}/.extraHeader": f"Authorization: Basic {basic}"}


def _git_env(config: dict[str, str]) -> dict[str, str]:
    """os.environ with prompts off, English messages, and `config` as command-level git config."""
    env = {k: v for k, v in os.environ.items() if k not in (*_REPO_ENV, "GIT_ASKPASS", "SSH_ASKPASS")}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANGUAGE="")
    try:
        start = int(env.get("GIT_CONFIG_COUNT") or 0)  # the user's own entries stay
    except ValueError:
        start = 0
    items = {
        "credential.helper": "",  # empty resets the helpers of the user's config: no keychain prompt
        "core.askPass": "",
        "gc.autoDetach": "false",  # no background gc left running in the cache after we return
        "maintenance.autoDetach": "false",
        **config,
    }
    for i, (key, value) in enumerate(items.items(), start=start):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    env["GIT_CONFIG_COUNT"] = str(start + len(items))
    return env


class _Timeout(Exception):
    pass


def _run(args: list[str], env: dict[str, str], deadline: float) -> subprocess.CompletedProcess[bytes]:
    """Run git without a terminal (its own session, stdin closed); kill its process group at the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Timeout
    try:
        proc = subprocess.Popen(
            ["git", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise UserError("the git command is not installed; install git to collect git sources") from None
    try:
        out, err = proc.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # ssh or a remote helper too, not only git
        proc.communicate()
        raise _Timeout from None
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


_AUTH = (
    "authentication failed",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "returned error: 401",
    "returned error: 403",
    "access denied",
    "permission denied (",  # ssh: `Permission denied (publickey).`
    "host key verification failed",
    "invalid username or password",
)
_UNREACHABLE = (
    "could not resolve host",
    "could not resolve hostname",
    "name or service not known",
    "temporary failure in name resolution",
    "connection refused",
    "failed to connect",
    "connection timed out",
    "network is unreachable",
    "no route to host",
    "unable to access",
)
_NOT_REPO = (
    "does not appear to be a git repository",
    "repository not found",
    "not found",
    "does not exist",
    "not a git repository",
    "could not read from remote repository",
)


@dataclass(frozen=True)
class _Remote:
    """One fetch's git context: the cache repository, the environment that carries the remote URL,
    the deadline, and how to show the URL."""

    repo: Path
    env: dict[str, str]
    deadline: float
    timeout_s: float
    shown: str
    secrets: tuple[str, ...]

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            done = _run(["-C", str(self.repo), *args], self.env, self.deadline)
        except _Timeout:
            raise UserError(
                f"git did not finish fetching {self.shown} within {self.timeout_s:g} s; "
                "check the network, or raise the timeout for a large repository"
            ) from None
        if check and done.returncode:
            raise self.error(done.stderr)
        return done

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        # any other `scheme://user:password@` git printed
        return re.sub(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s'\"@]+@", r"\1", text)

    def error(self, stderr: bytes) -> UserError:
        """A one-line UserError for a failed git command, its cause told from git's (scrubbed) stderr."""
        text = self.scrub(stderr.decode(errors="replace"))
        low = text.lower()
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lower().startswith("hint:")]
        detail = re.sub(r"^(fatal|error|remote): *", "", lines[0] if lines else "no message")[:200]
        where = f"git source {self.shown}"
        if any(s in low for s in _AUTH):
            return UserError(
                f"{where}: access refused or credentials missing ({detail}); for https set {TOKEN_ENV} "
                "(or the URL's user:token), for ssh load a key into ssh-agent, and check the repository exists"
            )
        if "certificate problem" in low or "certificate verification failed" in low:
            return UserError(
                f"{where} has a TLS certificate git does not trust ({detail}); give git its CA "
                "with GIT_SSL_CAINFO or http.sslCAInfo"
            )
        if any(s in low for s in _UNREACHABLE):
            return UserError(f"{where} cannot be reached ({detail}); check the host name and your network")
        if "couldn't find remote ref" in low:
            return UserError(f"{where} has no such ref ({detail}); give a branch, tag or commit id it has")
        if any(s in low for s in _NOT_REPO):
            return UserError(f"{where} is not a git repository ({detail}); check the URL or path")
        return UserError(f"{where}: git failed ({detail}); check the URL and ref")


def _cache_repo(cache: Path, shown: str) -> Path:
    """The bare repository that caches `shown`: a hash-named folder with the redacted URL beside git's files."""
    folder = cache / stable_id("git", shown)
    if folder.exists() and not (folder / "HEAD").is_file():
        shutil.rmtree(folder)  # a folder left half made: start it again
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            done = _run(["init", "-q", "--bare", str(folder)], _git_env({}), time.monotonic() + 60)
        except _Timeout:
            raise UserError(f"git init of {folder} took over a minute; check the disk under {cache}") from None
        if done.returncode:
            why = done.stderr.decode(errors="replace").strip()[:200]
            raise UserError(f"cannot make the git cache folder {folder} ({why}); check that {cache} is writable")
    (folder / SOURCE_JSON).write_text(json.dumps({"url": shown}) + "\n")
    return folder


def _ls_remote(remote: _Remote, ref: str | None) -> dict[str, str]:
    """The remote's HEAD (`HEAD` -> sha, `HEAD:symref` -> its branch) and the refs `ref` could name."""
    patterns = ["HEAD"] + ([f"refs/heads/{ref}", f"refs/tags/{ref}", ref] if ref else [])
    out = remote.git("ls-remote", "--symref", "origin", *patterns).stdout.decode(errors="replace")
    refs = {}
    for line in out.splitlines():
        value, _, name = line.partition("\t")
        if value.startswith("ref: "):
            refs[f"{name}:symref"] = value[5:]
        else:
            refs[name] = value
    return refs


def _has_commit(remote: _Remote, rev: str) -> str | None:
    done = remote.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return done.stdout.decode().strip() if done.returncode == 0 else None


def _fetch(remote: _Remote, refspecs: list[str], shallow: bool) -> None:
    args = ["fetch", "--no-tags", "--quiet"]
    if shallow:
        done = remote.git(*args, "--depth", "1", "origin", *refspecs, check=False)
        if done.returncode == 0:
            return
        if b"does not support shallow" not in done.stderr:
            raise remote.error(done.stderr)
        # a dumb http server cannot serve a shallow fetch: fetch the ref whole
    elif remote.git("rev-parse", "--is-shallow-repository").stdout.strip() == b"true":
        args.append("--unshallow")
    remote.git(*args, "origin", *refspecs)


def _fetch_commit(remote: _Remote, ref: str, shallow: bool) -> str:
    """Fetch a commit named by its id. A full id is asked for by name (servers that allow it, as
    GitHub does); an abbreviated one, or a full one the server will not give by name, needs every
    branch and tag fetched whole, since only a full history can be searched for it."""
    if len(ref) == 40:
        depth = ["--depth", "1"] if shallow else []
        done = remote.git("fetch", "--no-tags", "--quiet", *depth, "origin", ref, check=False)
        if done.returncode == 0 and (commit := _has_commit(remote, ref)):
            return commit
    _fetch(remote, ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], shallow=False)
    done = remote.git("rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}", check=False)
    if done.returncode == 0:
        return done.stdout.decode().strip()
    if b"ambiguous" in done.stderr:
        raise UserError(f"commit id {ref} is ambiguous in {remote.shown}; give more of its digits")
    raise UserError(f"git source {remote.shown} has no branch, tag or commit {ref!r}; check the ref")


def fetch(spec: GitSpec, cache: Path, *, shallow: bool = True, timeout_s: float = 600) -> Checkout:
    """Fetch `spec`'s ref (default branch when None) into the cache folder for its URL, reusing and
    updating an earlier fetch; depth 1 unless `shallow` is False or the ref is an abbreviated commit id."""
    shown = redact_url(spec.url)
    url = _remote_url(spec.url)
    env = _git_env({"remote.origin.url": url, **_token_config(url)})
    secrets = tuple(s for s in (*_secrets(url), os.environ.get(TOKEN_ENV, "")) if s)
    remote = _Remote(_cache_repo(cache, shown), env, time.monotonic() + timeout_s, timeout_s, shown, secrets)
    ref = None if spec.ref in (None, "HEAD") else _check_ref(spec.ref)
    if ref and _HEX.match(ref) and (commit := _has_commit(remote, ref)) and commit.startswith(ref.lower()):
        return Checkout(shown, commit, ref, remote.repo)  # a commit never changes: no network
    name, target = _fetch_ref(remote, ref, shallow)
    commit = _has_commit(remote, target)
    if commit is None:
        raise UserError(f"git source {shown}: {name!r} does not name a commit; give a branch, tag or commit id")
    return Checkout(shown, commit, name, remote.repo)


def _fetch_ref(remote: _Remote, ref: str | None, shallow: bool) -> tuple[str, str]:
    """Fetch what `ref` names (the default branch when None): its name, and a rev of its commit."""
    refs = _ls_remote(remote, ref)
    if ref is None:
        if "HEAD" not in refs:
            raise UserError(f"git source {remote.shown} has no commits; push a commit or give another source")
        branch = refs.get("HEAD:symref", "")
        if not branch.startswith("refs/heads/"):  # a detached HEAD: its commit
            _fetch(remote, [refs["HEAD"]], shallow)
            return "HEAD", refs["HEAD"]
        _fetch(remote, [f"+{branch}:{branch}"], shallow)
        return branch.removeprefix("refs/heads/"), branch
    names = (f"refs/heads/{ref}", f"refs/tags/{ref}", ref)  # a branch before a tag, as git checkout does
    target = next((r for r in names if r.startswith("refs/") and r in refs), None)
    if target:
        _fetch(remote, [f"+{target}:{target}"], shallow)
        return ref, target
    if _HEX.match(ref):
        return ref, _fetch_commit(remote, ref.lower(), shallow)
    raise UserError(
        f"git source {remote.shown} has no branch or tag {ref!r}; check the name (git ls-remote lists them)"
    )


def read_commit(
    repo: Path, commit: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[str, bytes | None, str | None]]:
    """The files committed at `commit`: (path, content, None), or (path, None, reason) for a file
    skipped unread: "symlink", "submodule", "too large" (over `max_bytes`), "path not UTF-8" (the path
    shown with backslash escapes), "unreadable" (a blob the repository lacks). All blobs are read
    through one `git cat-file --batch` process."""
    env = _git_env({})
    listing = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "-z", "--full-tree", "-l", "--end-of-options", commit],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    if listing.returncode:
        why = listing.stderr.decode(errors="replace").strip().splitlines()[:1] or ["no message"]
        raise UserError(f"cannot list commit {commit} of {repo} ({why[0]}); give a commit the repository has")
    rows: list[tuple[str, str | None, str | None]] = []  # (path, blob id or None, reason)
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha, size = meta.decode().split()
        try:
            path, reason = raw_path.decode(), None
        except UnicodeDecodeError:
            path, reason = raw_path.decode(errors="backslashreplace"), "path not UTF-8"
        if reason is None:
            if kind == "commit":
                reason = "submodule"
            elif mode == "120000":
                reason = "symlink"
            elif kind != "blob":
                reason = kind
            elif not size.isdigit():  # `BAD`: the blob is missing (a mirror without its large files)
                reason = "unreadable"
            elif int(size) > max_bytes:
                reason = "too large"
        rows.append((path, None if reason else sha, reason))
    contents = _cat_blobs(repo, [sha for _, sha, _ in rows if sha], env)
    try:
        for path, sha, reason in rows:
            if sha is None:
                yield path, None, reason
            else:
                data = next(contents)
                yield path, data, None if data is not None else "unreadable"
    finally:
        contents.close()  # a reader that stops early ends the cat-file process now, not at garbage collection


def _cat_blobs(repo: Path, shas: list[str], env: dict[str, str]) -> Iterator[bytes | None]:
    """The contents of `shas` in order (None for a missing one), from one `git cat-file --batch`; a
    thread writes the requests while this reads the answers, so neither pipe fills up and blocks."""
    if not shas:
        return
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "cat-file", "--batch", "--buffer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin and proc.stdout

    def write() -> None:
        try:
            proc.stdin.write("".join(f"{sha}\n" for sha in shas).encode())
            proc.stdin.close()
        except (BrokenPipeError, ValueError):  # the reader stopped early and killed git
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        for _ in shas:
            header = proc.stdout.readline().split()
            if len(header) != 3:  # `<sha> missing`, or git died
                yield None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after each object
            yield data
    finally:
        proc.kill()
        proc.wait()
        writer.join()
        proc.stdout.close()
