"""GitHub organisations and users, GitLab groups as sources: list their repositories over the REST API.

A forge source is written `github:OWNER` (an organisation, else the user of that name) or `gitlab:GROUP`
(a group with all its subgroups, `a/b` for a nested one; else the user of that name). The API base is
one per forge and run, from the environment: `MINIONS_GITHUB_API` (default https://api.github.com; GitHub
Enterprise Server: https://HOST/api/v3) and `MINIONS_GITLAB_API` (default https://gitlab.com/api/v4).
A token comes from `GITHUB_TOKEN` / `GITLAB_TOKEN` (or the variable the caller names). It is sent only
to the API's own scheme, host and port (redirects and pagination links elsewhere are refused) and
never appears in a message.

Every GET is conditional: the ETag and body of each answer are kept under the cache folder, one JSON
file per URL, and a 304 reuses the stored body (GitHub does not count a 304 against the rate limit).
A rate limit is waited out (reported through `progress`, at most 15 minutes a wait); 5xx answers,
timeouts and connection errors are retried with exponential backoff and jitter, 4 tries in all.

The listing cannot tell whether a repository's default branch moved (GitHub's pushed_at moves on a push
to any branch, GitLab's last_activity_at on any activity): `Forge.default_branch_head` asks for the
branch's commit, so a caller skips cloning a repository whose head is the commit it collected last.
GitLab's listing has no language: `Forge.select` asks for it (one request a project) only for the
projects that pass every other filter, and only when the filter names languages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from minions.errors import UserError

Kind = Literal["github", "gitlab"]
DEFAULT_API: dict[str, str] = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
API_ENV: dict[str, str] = {"github": "MINIONS_GITHUB_API", "gitlab": "MINIONS_GITLAB_API"}
TOKEN_ENV: dict[str, str] = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}
FORGE_NAME: dict[str, str] = {"github": "GitHub", "gitlab": "GitLab"}
TRIES = 4
MAX_WAIT_S = 15 * 60
MAX_RATE_WAITS = 10  # a server that keeps answering "wait" is given up on after this many waits
MAX_REDIRECTS = 5

_GITHUB_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_GITLAB_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}"
_GITLAB_GROUP = re.compile(rf"{_GITLAB_SEGMENT}(?:/{_GITLAB_SEGMENT})*")


@dataclass(frozen=True)
class ForgeSpec:
    """One forge source: every repository of a GitHub organisation or user, or of a GitLab group."""

    kind: Kind
    owner: str
    api: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.owner}"


@dataclass(frozen=True)
class RemoteRepo:
    """A repository as the forge lists it. `default_branch` is "" for an empty repository; `pushed_at` is
    GitLab's last_activity_at there; `language` is None on GitLab until `Forge.select` asks for it."""

    name: str
    clone_url: str
    default_branch: str
    pushed_at: str | None
    language: str | None
    topics: tuple[str, ...]
    stars: int
    archived: bool
    fork: bool


@dataclass(frozen=True)
class RepoFilter:
    """Which listed repositories to collect. Languages and topics match case-insensitively, any one of them."""

    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    min_stars: int = 0
    include_archived: bool = False
    include_forks: bool = False
    pushed_after: str | None = None

    def __post_init__(self) -> None:
        if self.min_stars < 0:
            raise UserError(f"min_stars is {self.min_stars}; use 0 or more")
        if self.pushed_after is not None:
            _when(self.pushed_after, "pushed_after")

    def accepts(self, repo: RemoteRepo) -> tuple[bool, str]:
        """(True, "") to collect the repository, else (False, why not)."""
        if repo.archived and not self.include_archived:
            return False, "archived"
        if repo.fork and not self.include_forks:
            return False, "fork"
        if not repo.default_branch:
            return False, "empty"
        if repo.stars < self.min_stars:
            return False, f"stars {repo.stars} < {self.min_stars}"
        if self.pushed_after is not None:
            if repo.pushed_at is None:
                return False, f"no push recorded, wanted one after {self.pushed_after}"
            if _when(repo.pushed_at, f"{repo.name}'s pushed_at") < _when(self.pushed_after, "pushed_after"):
                return False, f"last push {repo.pushed_at} before {self.pushed_after}"
        if self.topics and not {t.lower() for t in repo.topics} & {t.lower() for t in self.topics}:
            return False, f"no topic of {', '.join(self.topics)}"
        if self.languages and (repo.language or "").lower() not in {lang.lower() for lang in self.languages}:
            return False, f"language {repo.language or 'unknown'}"
        return True, ""


def _when(text: str, what: str) -> datetime:
    """An ISO 8601 date or time as an aware datetime (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} {text!r} is not an ISO 8601 date; write it like 2024-01-31") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_forge_spec(text: str, env: Mapping[str, str] | None = None) -> ForgeSpec | None:
    """The forge source `text` names (`github:OWNER`, `gitlab:GROUP[/SUB...]`), or None when it names none.

    The API base comes from `MINIONS_GITHUB_API` / `MINIONS_GITLAB_API` in `env` (default: os.environ)."""
    kind, sep, owner = text.partition(":")
    if not sep or kind not in DEFAULT_API:
        return None
    env = os.environ if env is None else env
    owner = owner.strip().strip("/")
    if kind == "github":
        if "/" in owner and _GITHUB_OWNER.fullmatch(owner.split("/")[0]):
            raise UserError(
                f"{text} names one repository; write github:{owner.split('/')[0]} for all the owner's "
                "repositories, or clone the one and pass its folder"
            )
        if not _GITHUB_OWNER.fullmatch(owner):
            raise UserError(f"{text!r} names no GitHub owner; write github:ORG or github:USER (letters, digits, -)")
    elif not _GITLAB_GROUP.fullmatch(owner):
        raise UserError(f"{text!r} names no GitLab group; write gitlab:GROUP or gitlab:GROUP/SUBGROUP")
    return ForgeSpec(kind, owner, _api_base(kind, env))  # type: ignore[arg-type]


def _api_base(kind: str, env: Mapping[str, str]) -> str:
    name = API_ENV[kind]
    base = (env.get(name) or DEFAULT_API[kind]).strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{name} is {base!r}, not an http(s) URL; set it like {DEFAULT_API[kind]}")
    if parts.username or parts.password:
        raise UserError(f"{name} carries credentials; remove them and set {TOKEN_ENV[kind]} instead")
    if parts.query or parts.fragment:
        raise UserError(f"{name} has a query or fragment; set it to the API base alone, like {DEFAULT_API[kind]}")
    return base


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _no_credentials(url: str) -> str:
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _required(item: dict, key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise KeyError(key)
    return value


def _github_repo(item: dict) -> RemoteRepo:
    return RemoteRepo(
        name=_required(item, "full_name"),
        clone_url=_no_credentials(_required(item, "clone_url")),
        default_branch=_text(item.get("default_branch")),
        pushed_at=item.get("pushed_at") or None,
        language=item.get("language") or None,
        topics=tuple(str(t) for t in item.get("topics") or ()),
        stars=int(item.get("stargazers_count") or 0),
        archived=bool(item.get("archived")),
        fork=bool(item.get("fork")),
    )


def _gitlab_repo(item: dict) -> RemoteRepo:
    return RemoteRepo(
        name=_required(item, "path_with_namespace"),
        clone_url=_no_credentials(_required(item, "http_url_to_repo")),
        default_branch="" if item.get("empty_repo") else _text(item.get("default_branch")),
        pushed_at=item.get("last_activity_at") or None,
        language=None,
        # `topics` since GitLab 14.5, `tag_list` before
        topics=tuple(str(t) for t in item.get("topics") or item.get("tag_list") or ()),
        stars=int(item.get("star_count") or 0),
        archived=bool(item.get("archived")),
        fork=bool(item.get("forked_from_project")),
    )


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Any
    next_url: str | None


class Forge:
    """One forge's REST API for one source: conditional, rate-limit-aware GETs over one connection pool.

    Use it in a `with` block (or call `close`). `sleep` and `now` (epoch seconds) are injectable so a
    test can record waits; `progress` receives one line per wait or retry."""

    def __init__(
        self,
        spec: ForgeSpec,
        cache: Path,
        *,
        token_env: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        progress: Callable[[str], None] | None = None,
        max_wait_s: float = MAX_WAIT_S,
        tries: int = TRIES,
        timeout_s: float = 30.0,
    ) -> None:
        self.spec = spec
        self._cache = Path(cache)
        self._sleep = sleep
        self._now = now
        self._progress = progress or (lambda line: None)
        self._max_wait_s = max_wait_s
        self._tries = max(1, tries)
        self._forge = FORGE_NAME[spec.kind]
        self._token_env = token_env or TOKEN_ENV[spec.kind]
        self._token = os.environ.get(self._token_env, "").strip()
        if self._token and not (self._token.isascii() and self._token.isprintable()):
            raise UserError(
                f"{self._token_env} holds characters an HTTP header cannot carry; set it to the token alone"
            )
        self._api_origin = _origin(httpx.URL(spec.api))
        self._cache_warned = False
        headers = {"User-Agent": "minions"}
        if spec.kind == "github":
            headers |= {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
            if self._token:
                headers["Authorization"] = f"Bearer {self._token}"
        elif self._token:
            headers["PRIVATE-TOKEN"] = self._token
        # redirects are followed by hand, only within the API's origin (PRIVATE-TOKEN is no header httpx
        # would drop on a redirect elsewhere)
        self._client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)), follow_redirects=False
        )

    def __enter__(self) -> Forge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ---- what callers use

    def list_repos(self) -> list[RemoteRepo]:
        """Every repository of the source, sorted by name (an organisation's, else the user's)."""
        api, owner = self.spec.api, self.spec.owner
        if self.spec.kind == "github":
            first = [
                f"{api}/orgs/{quote(owner, safe='')}/repos?per_page=100&type=all",
                f"{api}/users/{quote(owner, safe='')}/repos?per_page=100&type=owner",
            ]
            missing = f"GitHub has no organisation or user {owner!r} at {api}; check the name"
            parse = _github_repo
        else:
            # ordered by id so that offset pagination neither skips nor repeats a project
            query = "per_page=100&include_subgroups=true&with_shared=false&order_by=id&sort=asc"
            first = [f"{api}/groups/{quote(owner, safe='')}/projects?{query}"]
            if "/" not in owner:
                first.append(f"{api}/users/{quote(owner, safe='')}/projects?per_page=100&order_by=id&sort=asc")
            missing = f"GitLab has no group or user {owner!r} at {api}; check the path (a/b for a subgroup)"
            parse = _gitlab_repo
        for url in first:
            items = self._pages(url)
            if items is not None:
                break
        else:
            if not self._token:
                missing += f" (a private one needs {self._token_env})"
            raise UserError(missing)
        repos: dict[str, RemoteRepo] = {}
        for item in items:
            try:
                repo = parse(item)
            except (KeyError, TypeError, ValueError, AttributeError):
                self._progress(f"{self.spec.label}: skipped a listed repository without a name or clone URL")
                continue
            repos[repo.name] = repo
        return [repos[name] for name in sorted(repos)]

    def default_branch_head(self, repo: RemoteRepo) -> str | None:
        """The commit at the tip of `repo`'s default branch; None when it has none (empty, branch or repo gone)."""
        if not repo.default_branch:
            return None
        branch = quote(repo.default_branch, safe="")
        if self.spec.kind == "github":
            url = f"{self.spec.api}/repos/{quote(repo.name, safe='/')}/branches/{branch}"
            key = "sha"
        else:
            url = f"{self.spec.api}/projects/{quote(repo.name, safe='')}/repository/branches/{branch}"
            key = "id"
        answer = self._get(url)
        if answer.status in (404, 409):  # 409: GitHub's "Git Repository is empty"
            return None
        commit = answer.body.get("commit") if isinstance(answer.body, dict) else None
        sha = commit.get(key) if isinstance(commit, dict) else None
        if not isinstance(sha, str) or not sha:
            raise UserError(f"{self._forge} answered {url} without a commit; check {API_ENV[self.spec.kind]}")
        return sha

    def select(self, flt: RepoFilter) -> tuple[list[RemoteRepo], list[tuple[RemoteRepo, str]]]:
        """The listed repositories `flt` accepts, and those it does not with the reason. On GitLab, a filter
        on languages asks each project that passes the other filters for its main language."""
        kept: list[RemoteRepo] = []
        skipped: list[tuple[RemoteRepo, str]] = []
        lookup = self.spec.kind == "gitlab" and bool(flt.languages)
        first = replace(flt, languages=()) if lookup else flt
        for repo in self.list_repos():
            ok, why = first.accepts(repo)
            if ok and lookup:
                repo = replace(repo, language=self._gitlab_language(repo))
                ok, why = flt.accepts(repo)
            if ok:
                kept.append(repo)
            else:
                skipped.append((repo, why))
        return kept, skipped

    # ---- requests

    def _gitlab_language(self, repo: RemoteRepo) -> str | None:
        answer = self._get(f"{self.spec.api}/projects/{quote(repo.name, safe='')}/languages")
        shares = answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}
        numeric = {k: v for k, v in shares.items() if isinstance(v, int | float)}
        return max(numeric, key=lambda k: numeric[k]) if numeric else None

    def _pages(self, url: str) -> list[dict] | None:
        """All items of a paginated listing; None when its first page is 404."""
        items: list[dict] = []
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            if next_url in seen:
                raise UserError(f"{self._forge} pagination loops at {next_url}; check {API_ENV[self.spec.kind]}")
            seen.add(next_url)
            answer = self._get(next_url)
            if answer.status == 404 and not items and next_url == url:
                return None
            if answer.status != 200 or not isinstance(answer.body, list):
                raise UserError(f"{self._forge} answered {next_url} with no list of repositories")
            items += [item for item in answer.body if isinstance(item, dict)]
            next_url = answer.next_url
        return items

    def _get(self, url: str) -> _Answer:
        """A conditional GET: 200 (stored when it has an ETag), 304 (the stored body), 404 or 409; any other
        answer is a UserError."""
        entry = self._cache_read(url)
        response = self._send(url, {"If-None-Match": entry["etag"]} if entry else {})
        status = response.status_code
        if status == 304 and entry:
            return _Answer(200, entry.get("body"), entry.get("next_url"))
        if status == 304:  # a 304 to a request without If-None-Match: ask plainly
            response = self._send(url, {"Cache-Control": "no-cache"})
            status = response.status_code
        if status == 200:
            try:
                body = response.json()
            except ValueError:
                raise UserError(
                    f"{self._forge} answered {url} with something other than JSON; "
                    f"check {API_ENV[self.spec.kind]} (now {self.spec.api})"
                ) from None
            next_url = self._next_url(response)
            etag = response.headers.get("etag")
            if etag:
                self._cache_write(url, {"url": url, "etag": etag, "body": body, "next_url": next_url})
            elif entry:
                with contextlib.suppress(OSError):
                    self._cache_file(url).unlink()
            return _Answer(200, body, next_url)
        if status in (404, 409):
            return _Answer(status, None, None)
        if status == 401:
            fix = (
                f"the token in {self._token_env} was refused; renew it"
                if self._token
                else f"set {self._token_env} to a token with read access"
            )
            raise UserError(f"{self._forge} authentication failed for {self.spec.label}: {fix}")
        if status == 403:
            raise UserError(
                f"{self._forge} refused access to {url} ({self._message(response)}); "
                f"check that the token in {self._token_env} may read {self.spec.owner}"
            )
        raise UserError(f"{self._forge} answered HTTP {status} for {url} ({self._message(response)})")

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One GET, retried through rate limits, 5xx answers and network errors; redirects within the origin."""
        failures = rate_waits = redirects = 0
        while True:
            target = httpx.URL(url)
            if _origin(target) != self._api_origin:
                raise UserError(
                    f"{self._forge} pointed to {target.scheme}://{target.host}, outside {self.spec.api}; "
                    "refusing to send the request there"
                )
            try:
                response = self._client.get(target, headers=headers)
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self._tries:
                    raise UserError(
                        f"could not reach {target.host} ({type(exc).__name__}) in {self._tries} tries; "
                        f"check the network and {API_ENV[self.spec.kind]}"
                    ) from None
                self._backoff(failures, type(exc).__name__, target.host)
                continue
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise UserError(f"{self._forge} redirected {url} more than {MAX_REDIRECTS} times")
                url = str(target.join(response.headers["location"]))
                continue
            wait = self._rate_wait(response)
            if wait is not None:
                rate_waits += 1
                until = datetime.fromtimestamp(self._now() + wait, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                if wait > self._max_wait_s or rate_waits > MAX_RATE_WAITS:
                    more = "" if self._token else f", or set {self._token_env} for a higher limit"
                    raise UserError(
                        f"{self._forge} rate limit for {self.spec.label} lasts until {until}, past the "
                        f"{self._max_wait_s / 60:g}-minute wait allowed; run again then{more}"
                    )
                self._progress(
                    f"{self.spec.label}: {self._forge} rate limit reached; waiting {wait:.0f} s until {until}"
                )
                self._sleep(wait)
                continue
            if response.status_code >= 500:
                failures += 1
                if failures >= self._tries:
                    raise UserError(
                        f"{self._forge} answered HTTP {response.status_code} for {url} {self._tries} times; "
                        "try again later"
                    )
                self._backoff(failures, f"HTTP {response.status_code}", target.host)
                continue
            return response

    def _rate_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before asking again when the answer is a rate limit; None when it is not one."""
        if response.status_code not in (403, 429):
            return None
        h = response.headers
        retry_after = (h.get("retry-after") or "").strip()
        if retry_after:
            if retry_after.isdigit():
                return float(retry_after)
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - self._now())
            except (TypeError, ValueError):
                pass
        remaining = h.get("x-ratelimit-remaining", h.get("ratelimit-remaining"))
        reset = (h.get("x-ratelimit-reset") or h.get("ratelimit-reset") or "").strip()
        if remaining is not None and remaining.strip() == "0" and reset.isdigit():
            return max(0.0, int(reset) - self._now()) + 1  # +1: the reset second itself may still be limited
        if response.status_code == 429 or "secondary rate limit" in response.text.lower():
            return 60.0  # GitHub's advice when a limit names no time
        return None

    def _backoff(self, failure: int, why: str, host: str) -> None:
        delay = 2 ** (failure - 1) + random.uniform(0, 1)
        self._progress(f"{self.spec.label}: {why} from {host}; try {failure + 1} of {self._tries} in {delay:.1f} s")
        self._sleep(delay)

    def _next_url(self, response: httpx.Response) -> str | None:
        link = response.links.get("next", {}).get("url")
        if link:
            return str(response.url.join(link))
        page = (response.headers.get("x-next-page") or "").strip()
        return str(response.url.copy_set_param("page", page)) if page else None

    def _message(self, response: httpx.Response) -> str:
        """The server's own short message, without the token, on one line."""
        try:
            body = response.json()
            text = body.get("message") or body.get("error") if isinstance(body, dict) else None
        except ValueError:
            text = None
        text = str(text or response.reason_phrase or "no message")
        if self._token:
            text = text.replace(self._token, "***")
        return " ".join(text.split())[:200]

    # ---- ETag cache: one JSON file per URL (no credentials are ever in a URL here)

    def _cache_file(self, url: str) -> Path:
        return self._cache / f"{hashlib.sha256(url.encode()).hexdigest()[:40]}.json"

    def _cache_read(self, url: str) -> dict | None:
        try:
            entry = json.loads(self._cache_file(url).read_text())
        except (OSError, ValueError):
            return None
        ok = isinstance(entry, dict) and entry.get("url") == url and isinstance(entry.get("etag"), str)
        return entry if ok else None

    def _cache_write(self, url: str, entry: dict) -> None:
        try:
            self._cache.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._cache, suffix=".tmp")
            try:
                with os.fdopen(fd, "w") as f:
                    json.dump(entry, f)
                os.replace(tmp, self._cache_file(url))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if not self._cache_warned:
                self._cache_warned = True
                self._progress(f"{self.spec.label}: cannot write the request cache in {self._cache} ({exc.strerror})")


def list_repos(
    spec: ForgeSpec,
    cache: Path,
    *,
    token_env: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
    progress: Callable[[str], None] | None = None,
) -> list[RemoteRepo]:
    """Every repository of `spec`, sorted by name (see `Forge.list_repos`)."""
    with Forge(spec, cache, token_env=token_env, sleep=sleep, now=now, progress=progress) as forge:
        return forge.list_repos()


def default_branch_head(
    spec: ForgeSpec,
    repo: RemoteRepo,
    cache: Path,
    *,
    token_env: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
    progress: Callable[[str], None] | None = None,
) -> str | None:
    """The commit at the tip of `repo`'s default branch, or None (see `Forge.default_branch_head`); for many
    repositories use one `Forge`, which keeps its connections."""
    with Forge(spec, cache, token_env=token_env, sleep=sleep, now=now, progress=progress) as forge:
        return forge.default_branch_head(repo)
