"""Forge sources against a fake GitHub and a fake GitLab: real HTTP servers on 127.0.0.1, no internet."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from helpers import ALNUM, rand
from minions.errors import UserError
from minions.sources.forges import (
    Forge,
    ForgeSpec,
    RemoteRepo,
    RepoFilter,
    default_branch_head,
    list_repos,
    parse_forge_spec,
)

T0 = 1_700_000_000.0  # the injected clock
GL_QUERY = "per_page=100&include_subgroups=true&with_shared=false&order_by=id&sort=asc"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a body sent as it is, instead of `body` as JSON


class FakeForge:
    """A forge API: each route (the raw path with its query) answers its replies in turn, the last one for
    good; a reply with an ETag answers 304 to a request that sends it back. Requests are recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with lock:
                    fake.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    replies = fake.routes.get(self.path)
                    reply = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else None
                reply = reply or Reply(404, {"message": "Not Found"})
                etag = reply.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = reply.raw if reply.raw is not None else b""
                if reply.raw is None and reply.body is not None:
                    data = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def forge_server():
    servers: list[FakeForge] = []

    def make() -> FakeForge:
        servers.append(FakeForge())
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def no_real_tokens(monkeypatch):
    for name in ("GITHUB_TOKEN", "GITLAB_TOKEN", "MINIONS_GITHUB_API", "MINIONS_GITLAB_API"):
        monkeypatch.delenv(name, raising=False)


class Clock:
    """Injected `now` and `sleep`: sleeping records the wait and moves the clock."""

    def __init__(self) -> None:
        self.t = T0
        self.waits: list[float] = []
        self.lines: list[str] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds

    def kw(self) -> dict:
        return {"sleep": self.sleep, "now": self.now, "progress": self.lines.append}


def github(server: FakeForge, owner: str = "acme") -> ForgeSpec:
    spec = parse_forge_spec(f"github:{owner}", env={"MINIONS_GITHUB_API": server.url})
    assert spec is not None
    return spec


def gitlab(server: FakeForge, group: str = "acme") -> ForgeSpec:
    spec = parse_forge_spec(f"gitlab:{group}", env={"MINIONS_GITLAB_API": server.url + "/api/v4/"})
    assert spec is not None
    return spec


def gh_item(name: str, **fields) -> dict:
    return {
        "full_name": f"acme/{name}",
        "clone_url": f"https://github.example/acme/{name}.git",
        "default_branch": "main",
        "pushed_at": "2024-05-01T10:00:00Z",
        "language": "Java",
        "topics": ["shop"],
        "stargazers_count": 5,
        "archived": False,
        "fork": False,
        **fields,
    }


def gl_item(path: str, **fields) -> dict:
    return {
        "id": abs(hash(path)) % 10**6,
        "path_with_namespace": path,
        "http_url_to_repo": f"https://gitlab.example/{path}.git",
        "default_branch": "main",
        "last_activity_at": "2024-05-01T10:00:00.000Z",
        "topics": ["shop"],
        "star_count": 2,
        "archived": False,
        **fields,
    }


def gh_token(rng) -> str:
    return "gh" + "p_" + rand(rng, ALNUM, 36)


def gl_token(rng) -> str:
    return "gl" + "pat-" + rand(rng, ALNUM, 20)


ORG = "/orgs/acme/repos?per_page=100&type=all"
USER = "/users/acme/repos?per_page=100&type=owner"


# ---- spec


def test_parse_forge_spec_reads_kind_owner_and_api_from_env():
    assert parse_forge_spec("github:acme", env={}) == ForgeSpec("github", "acme", "https://api.github.com")
    assert parse_forge_spec("gitlab:acme/platform/tools", env={}) == ForgeSpec(
        "gitlab", "acme/platform/tools", "https://gitlab.com/api/v4"
    )
    ghe = parse_forge_spec("github:acme", env={"MINIONS_GITHUB_API": "https://ghe.example/api/v3/"})
    assert ghe is not None and ghe.api == "https://ghe.example/api/v3" and ghe.label == "github:acme"
    for not_a_forge in ("./repos/shop", "/abs/path", "https://github.com/acme/shop", "git@github.com:acme/x.git"):
        assert parse_forge_spec(not_a_forge, env={}) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("github:", "names no GitHub owner"),
        ("github:acme/shop", "write github:acme"),
        ("github:-x", "names no GitHub owner"),
        ("gitlab:a//b", "names no GitLab group"),
        ("gitlab:", "names no GitLab group"),
    ],
)
def test_parse_forge_spec_rejects_bad_owners(text, message):
    with pytest.raises(UserError, match=message):
        parse_forge_spec(text, env={})


def test_parse_forge_spec_rejects_bad_api_bases(fake):
    secret = fake.password()
    with pytest.raises(UserError, match="MINIONS_GITLAB_API carries credentials") as err:
        parse_forge_spec("gitlab:acme", env={"MINIONS_GITLAB_API": f"https://bot:{secret}@gitlab.example/api/v4"})
    assert secret not in str(err.value)
    with pytest.raises(UserError, match="not an http"):
        parse_forge_spec("github:acme", env={"MINIONS_GITHUB_API": "ftp://ghe.example"})


# ---- listing and pagination


def test_github_lists_three_pages_through_link_headers(forge_server, tmp_path, rng, fake, monkeypatch):
    server = forge_server()
    token = gh_token(rng)
    secret = fake.password()
    monkeypatch.setenv("GITHUB_TOKEN", token)
    p2, p3 = f"{ORG}&page=2", f"{ORG}&page=3"
    server.route(ORG, Reply(body=[gh_item("a"), gh_item("b")], headers={"Link": f'<{server.url}{p2}>; rel="next"'}))
    c = gh_item("c", clone_url=f"https://bot:{secret}@github.example/acme/c.git")
    server.route(p2, Reply(body=[c], headers={"Link": f'<{server.url}{p3}>; rel="next", <x>; rel="last"'}))
    server.route(p3, Reply(body=[gh_item("d", language=None, topics=[], fork=True, archived=True)]))
    repos = list_repos(github(server), tmp_path / "cache")
    assert [r.name for r in repos] == ["acme/a", "acme/b", "acme/c", "acme/d"]
    assert server.paths() == [ORG, p2, p3]
    url = "https://github.example/acme/a.git"
    assert repos[0] == RemoteRepo("acme/a", url, "main", "2024-05-01T10:00:00Z", "Java", ("shop",), 5, False, False)
    assert repos[3].fork and repos[3].archived and repos[3].language is None
    assert repos[2].clone_url == "https://github.example/acme/c.git"  # credentials stripped
    for _, headers in server.requests:
        assert headers["authorization"] == f"Bearer {token}"
        assert headers["accept"] == "application/vnd.github+json"


def test_gitlab_lists_three_pages_of_a_nested_group_with_the_path_encoded(forge_server, tmp_path, rng, monkeypatch):
    server = forge_server()
    token = gl_token(rng)
    monkeypatch.setenv("GITLAB_TOKEN", token)
    first = f"/api/v4/groups/acme%2Fplatform/projects?{GL_QUERY}"
    p2, p3 = f"{first}&page=2", f"{first}&page=3"
    server.route(first, Reply(body=[gl_item("acme/platform/a")], headers={"Link": f'<{server.url}{p2}>; rel="next"'}))
    server.route(p2, Reply(body=[gl_item("acme/platform/sub/b")], headers={"Link": f'<{server.url}{p3}>; rel="next"'}))
    fork = gl_item("acme/platform/c", forked_from_project={"id": 1}, topics=[], tag_list=["old-style"])
    server.route(p3, Reply(body=[fork, gl_item("acme/platform/empty", empty_repo=True, default_branch=None)]))
    repos = list_repos(gitlab(server, "acme/platform"), tmp_path / "cache")
    assert [r.name for r in repos] == [f"acme/platform/{n}" for n in ("a", "c", "empty", "sub/b")]
    assert server.paths() == [first, p2, p3]
    assert repos[1].fork and repos[1].topics == ("old-style",) and repos[1].language is None
    assert repos[2].default_branch == ""
    assert repos[0].clone_url == "https://gitlab.example/acme/platform/a.git" and repos[0].stars == 2
    for _, headers in server.requests:
        assert headers["private-token"] == token
        assert "authorization" not in headers


def test_gitlab_follows_x_next_page_without_a_link_header(forge_server, tmp_path):
    server = forge_server()
    first = f"/api/v4/groups/acme/projects?{GL_QUERY}"
    server.route(first, Reply(body=[gl_item("acme/a")], headers={"X-Next-Page": "2"}))
    server.route(f"{first}&page=2", Reply(body=[gl_item("acme/b")], headers={"X-Next-Page": ""}))
    assert [r.name for r in list_repos(gitlab(server), tmp_path)] == ["acme/a", "acme/b"]
    assert server.paths() == [first, f"{first}&page=2"]
    assert all("private-token" not in h for _, h in server.requests)  # no token set: none sent


def test_github_falls_back_to_the_user_when_no_org_has_the_name(forge_server, tmp_path):
    server = forge_server()
    server.route(USER, Reply(body=[gh_item("dotfiles")]))
    assert [r.name for r in list_repos(github(server), tmp_path)] == ["acme/dotfiles"]
    assert server.paths() == [ORG, USER]
    assert "authorization" not in server.requests[0][1]
    server.route(ORG, Reply(body=[]))  # an organisation without repositories is no user
    assert list_repos(github(server), tmp_path) == []
    assert server.paths()[2:] == [ORG]


def test_an_owner_neither_org_nor_user_is_a_user_error(forge_server, tmp_path):
    server = forge_server()
    with pytest.raises(UserError, match=r"no organisation or user 'acme' .*a private one needs GITHUB_TOKEN"):
        list_repos(github(server), tmp_path)
    assert server.paths() == [ORG, USER]
    with pytest.raises(UserError, match=r"GitLab has no group or user 'acme/sub'"):
        list_repos(gitlab(server, "acme/sub"), tmp_path)
    assert server.paths()[-1] == f"/api/v4/groups/acme%2Fsub/projects?{GL_QUERY}"  # a subgroup has no user fallback


def test_a_pagination_link_to_another_host_is_refused_and_gets_no_token(forge_server, tmp_path, rng, monkeypatch):
    server, elsewhere = forge_server(), forge_server()
    monkeypatch.setenv("GITHUB_TOKEN", gh_token(rng))
    server.route(ORG, Reply(body=[gh_item("a")], headers={"Link": f'<{elsewhere.url}{ORG}&page=2>; rel="next"'}))
    with pytest.raises(UserError, match="outside .*refusing to send the request there"):
        list_repos(github(server), tmp_path)
    assert elsewhere.requests == []


def test_a_redirect_within_the_api_is_followed(forge_server, tmp_path):
    server = forge_server()
    server.route(ORG, Reply(301, headers={"Location": "/orgs/acme-renamed/repos?per_page=100&type=all"}))
    server.route("/orgs/acme-renamed/repos?per_page=100&type=all", Reply(body=[gh_item("a")]))
    assert [r.name for r in list_repos(github(server), tmp_path)] == ["acme/a"]


# ---- filters


def repo(**fields) -> RemoteRepo:
    base = RemoteRepo("acme/a", "https://x/acme/a.git", "main", "2024-05-01T10:00:00Z", "Java", ("shop", "api"), 5,
                      False, False)  # fmt: skip
    return RemoteRepo(**{**base.__dict__, **fields})


@pytest.mark.parametrize(
    ("flt", "good", "bad", "reason"),
    [
        (RepoFilter(), {}, {"archived": True}, "archived"),
        (RepoFilter(), {}, {"fork": True}, "fork"),
        (RepoFilter(), {}, {"default_branch": ""}, "empty"),
        (RepoFilter(languages=("python", "kotlin")), {"language": "Kotlin"}, {}, "language Java"),
        (RepoFilter(languages=("python",)), {"language": "Python"}, {"language": None}, "language unknown"),
        (RepoFilter(min_stars=10), {"stars": 10}, {"stars": 3}, "stars 3 < 10"),
        (RepoFilter(topics=("web", "cli")), {"topics": ("CLI",)}, {}, "no topic of web, cli"),
        (RepoFilter(pushed_after="2024-06-01"), {"pushed_at": "2024-06-01T00:00:00Z"}, {},
         "last push 2024-05-01T10:00:00Z before 2024-06-01"),
        (RepoFilter(pushed_after="2024-06-01"), {"pushed_at": "2024-07-01T00:00:00.000+02:00"}, {"pushed_at": None},
         "no push recorded, wanted one after 2024-06-01"),
    ],
)  # fmt: skip
def test_filter_reasons(flt, good, bad, reason):
    assert flt.accepts(repo(**good)) == (True, "")
    assert flt.accepts(repo(**bad)) == (False, reason)


def test_filter_accepts_what_it_names():
    flt = RepoFilter(languages=("JAVA",), topics=("API",), min_stars=5, pushed_after="2024-05-01T09:59:59+00:00")
    assert flt.accepts(repo()) == (True, "")
    both = RepoFilter(include_archived=True, include_forks=True)
    assert both.accepts(repo(archived=True, fork=True)) == (True, "")


def test_filter_rejects_a_bad_date_and_negative_stars():
    with pytest.raises(UserError, match="pushed_after 'last week' is not an ISO 8601 date"):
        RepoFilter(pushed_after="last week")
    with pytest.raises(UserError, match="min_stars is -1"):
        RepoFilter(min_stars=-1)


def test_gitlab_select_asks_languages_only_of_projects_passing_the_other_filters(forge_server, tmp_path):
    server = forge_server()
    items = [gl_item("acme/java"), gl_item("acme/py"), gl_item("acme/old", archived=True)]
    server.route(f"/api/v4/groups/acme/projects?{GL_QUERY}", Reply(body=items))
    server.route("/api/v4/projects/acme%2Fjava/languages", Reply(body={"Shell": 10.5, "Java": 89.5}))
    server.route("/api/v4/projects/acme%2Fpy/languages", Reply(body={"Python": 100.0}))
    with Forge(gitlab(server), tmp_path) as forge:
        kept, skipped = forge.select(RepoFilter(languages=("java",)))
    assert [r.name for r in kept] == ["acme/java"] and kept[0].language == "Java"
    assert [(r.name, why) for r, why in skipped] == [("acme/old", "archived"), ("acme/py", "language Python")]
    assert "/api/v4/projects/acme%2Fold/languages" not in server.paths()


# ---- authentication


def test_a_refused_token_is_a_user_error_without_the_token(forge_server, tmp_path, rng, monkeypatch):
    server = forge_server()
    token = gh_token(rng)
    monkeypatch.setenv("GITHUB_TOKEN", token)
    server.route(ORG, Reply(401, {"message": f"Bad credentials: {token}"}))
    with pytest.raises(UserError, match="authentication failed for github:acme: the token in GITHUB_TOKEN was") as e:
        list_repos(github(server), tmp_path)
    assert token not in str(e.value)
    assert server.requests[0][1]["authorization"] == f"Bearer {token}"


def test_401_without_a_token_says_which_variable_to_set(forge_server, tmp_path, rng, monkeypatch):
    server = forge_server()
    server.route(f"/api/v4/groups/acme/projects?{GL_QUERY}", Reply(401, {"message": "401 Unauthorized"}))
    with pytest.raises(UserError, match="set MY_GL_TOKEN to a token with read access"):
        list_repos(gitlab(server), tmp_path, token_env="MY_GL_TOKEN")
    token = gl_token(rng)
    monkeypatch.setenv("MY_GL_TOKEN", token)
    with pytest.raises(UserError, match="the token in MY_GL_TOKEN was refused"):
        list_repos(gitlab(server), tmp_path, token_env="MY_GL_TOKEN")
    assert server.requests[-1][1]["private-token"] == token


def test_a_403_echoing_the_token_is_redacted(forge_server, tmp_path, rng, monkeypatch):
    server = forge_server()
    token = gh_token(rng)
    monkeypatch.setenv("GITHUB_TOKEN", token)
    server.route(ORG, Reply(403, {"message": f"Resource protected by SAML; token {token} not authorised"}))
    with pytest.raises(UserError, match=r"refused access .*token \*\*\* not authorised") as e:
        list_repos(github(server), tmp_path)
    assert token not in str(e.value)


# ---- rate limits and retries


def test_github_primary_rate_limit_waits_until_reset(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(T0) + 2)}
    server.route(ORG, Reply(403, {"message": "API rate limit exceeded"}, limited), Reply(body=[gh_item("a")]))
    assert [r.name for r in list_repos(github(server), tmp_path, **clock.kw())] == ["acme/a"]
    assert clock.waits == [3.0]
    assert len(server.requests) == 2
    assert clock.lines == ["github:acme: GitHub rate limit reached; waiting 3 s until 2023-11-14 22:13:23 UTC"]


def test_429_retry_after_is_waited(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    server.route(ORG, Reply(429, {"message": "slow down"}, {"Retry-After": "7"}), Reply(body=[gh_item("a")]))
    assert len(list_repos(github(server), tmp_path, **clock.kw())) == 1
    assert clock.waits == [7.0]


def test_gitlab_429_with_ratelimit_reset(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    limited = {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(T0) + 30)}
    server.route(f"/api/v4/groups/acme/projects?{GL_QUERY}", Reply(429, {"message": "Retry later"}, limited),
                 Reply(body=[gl_item("acme/a")]))  # fmt: skip
    assert len(list_repos(gitlab(server), tmp_path, **clock.kw())) == 1
    assert clock.waits == [31.0]


def test_a_rate_limit_past_the_cap_is_a_user_error_saying_when(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(T0) + 3600)}
    server.route(ORG, Reply(403, {"message": "API rate limit exceeded"}, limited))
    with pytest.raises(UserError, match=r"until 2023-11-14 23:13:21 UTC.*set GITHUB_TOKEN for a higher limit"):
        list_repos(github(server), tmp_path, **clock.kw())
    assert clock.waits == [] and len(server.requests) == 1


def test_500_twice_then_200_succeeds_with_three_requests(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    server.route(ORG, Reply(500, {}), Reply(502, {}), Reply(body=[gh_item("a")]))
    assert [r.name for r in list_repos(github(server), tmp_path, **clock.kw())] == ["acme/a"]
    assert len(server.requests) == 3
    assert len(clock.waits) == 2 and 1 <= clock.waits[0] <= 2 and 2 <= clock.waits[1] <= 3
    assert "HTTP 500 from 127.0.0.1; try 2 of 4" in clock.lines[0]


def test_500_forever_is_a_user_error_after_four_tries(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    server.route(ORG, Reply(500, {}))
    with pytest.raises(UserError, match="answered HTTP 500 .* 4 times; try again later"):
        list_repos(github(server), tmp_path, **clock.kw())
    assert len(server.requests) == 4 and len(clock.waits) == 3


def test_an_unreachable_api_is_a_user_error_after_four_tries(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    clock = Clock()
    spec = parse_forge_spec("github:acme", env={"MINIONS_GITHUB_API": f"http://127.0.0.1:{port}"})
    with pytest.raises(UserError, match=r"could not reach 127\.0\.0\.1 \(ConnectError\) in 4 tries"):
        list_repos(spec, tmp_path, **clock.kw())
    assert len(clock.waits) == 3


# ---- conditional requests


def test_a_second_listing_sends_if_none_match_and_reuses_the_bodies(forge_server, tmp_path, rng, monkeypatch):
    server = forge_server()
    token = gh_token(rng)
    monkeypatch.setenv("GITHUB_TOKEN", token)
    p2 = f"{ORG}&page=2"
    link = f'<{server.url}{p2}>; rel="next"'
    server.route(ORG, Reply(body=[gh_item("a")], headers={"ETag": 'W/"one"', "Link": link}))
    server.route(p2, Reply(body=[gh_item("b")], headers={"ETag": '"two"'}))
    cache = tmp_path / "cache"
    first = list_repos(github(server), cache)
    assert all("if-none-match" not in h for _, h in server.requests)
    second = list_repos(github(server), cache)
    assert second == first and [r.name for r in second] == ["acme/a", "acme/b"]
    assert [(p, h.get("if-none-match")) for p, h in server.requests[2:]] == [(ORG, 'W/"one"'), (p2, '"two"')]
    stored = [f.read_text() for f in cache.iterdir()]
    assert len(stored) == 2 and not any(token in text for text in stored)
    assert not list(cache.glob("*.tmp"))


def test_a_corrupt_cache_entry_is_ignored(forge_server, tmp_path):
    server = forge_server()
    server.route(ORG, Reply(body=[gh_item("a")], headers={"ETag": '"one"'}))
    list_repos(github(server), tmp_path)
    (entry,) = tmp_path.iterdir()
    entry.write_text("{not json")
    assert [r.name for r in list_repos(github(server), tmp_path)] == ["acme/a"]
    assert "if-none-match" not in server.requests[-1][1]


# ---- default branch heads


def test_default_branch_head_on_github(forge_server, tmp_path):
    server = forge_server()
    sha = "a" * 40
    path = "/repos/acme/shop/branches/release%2F2.x"
    server.route(path, Reply(body={"name": "release/2.x", "commit": {"sha": sha}}, headers={"ETag": '"b"'}))
    shop = repo(name="acme/shop", default_branch="release/2.x")
    assert default_branch_head(github(server), shop, tmp_path) == sha
    assert default_branch_head(github(server), shop, tmp_path) == sha  # from the cache on a 304
    assert server.paths() == [path, path] and server.requests[1][1]["if-none-match"] == '"b"'
    assert default_branch_head(github(server), repo(name="acme/gone"), tmp_path) is None  # 404
    assert default_branch_head(github(server), repo(default_branch=""), tmp_path) is None
    assert server.paths()[-1] == "/repos/acme/gone/branches/main"


def test_default_branch_head_on_gitlab(forge_server, tmp_path):
    server = forge_server()
    sha = "b" * 40
    path = "/api/v4/projects/acme%2Fplatform%2Fshop/repository/branches/main"
    server.route(path, Reply(body={"name": "main", "commit": {"id": sha}}))
    with Forge(gitlab(server), tmp_path) as forge:
        assert forge.default_branch_head(repo(name="acme/platform/shop")) == sha
        assert forge.default_branch_head(repo(name="acme/platform/none")) is None
    assert server.paths()[0] == path


# ---- odd answers


def test_gitlab_falls_back_to_the_user_namespace(forge_server, tmp_path):
    server = forge_server()
    user = "/api/v4/users/acme/projects?per_page=100&order_by=id&sort=asc"
    server.route(user, Reply(body=[gl_item("acme/notes")]))
    assert [r.name for r in list_repos(gitlab(server), tmp_path)] == ["acme/notes"]
    assert server.paths() == [f"/api/v4/groups/acme/projects?{GL_QUERY}", user]


def test_github_secondary_rate_limit_without_headers_waits_a_minute(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    secondary = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    server.route(ORG, Reply(403, secondary), Reply(body=[gh_item("a")]))
    assert len(list_repos(github(server), tmp_path, **clock.kw())) == 1
    assert clock.waits == [60.0]


def test_a_listed_entry_without_a_name_is_skipped_with_a_line(forge_server, tmp_path):
    server, clock = forge_server(), Clock()
    server.route(ORG, Reply(body=[gh_item("a"), {"clone_url": "https://x/y.git"}, gh_item("b", full_name=7)]))
    assert [r.name for r in list_repos(github(server), tmp_path, **clock.kw())] == ["acme/a"]
    assert clock.lines == ["github:acme: skipped a listed repository without a name or clone URL"] * 2


def test_an_api_base_that_answers_no_json_is_a_user_error(forge_server, tmp_path):
    server = forge_server()
    server.route(ORG, Reply(raw=b"<html><body>Sign in</body></html>"))
    with pytest.raises(UserError, match=r"something other than JSON; check MINIONS_GITHUB_API \(now http://127"):
        list_repos(github(server), tmp_path)
    server.route(ORG, Reply(body={"message": "an object"}))
    with pytest.raises(UserError, match="with no list of repositories"):
        list_repos(github(server), tmp_path)


def test_a_token_with_a_line_break_is_a_user_error(tmp_path, rng, monkeypatch):
    token = gh_token(rng)
    monkeypatch.setenv("GITHUB_TOKEN", token + "\nX-Evil: 1")
    spec = parse_forge_spec("github:acme", env={})
    with pytest.raises(UserError, match="GITHUB_TOKEN holds characters an HTTP header cannot carry") as e:
        list_repos(spec, tmp_path)
    assert token not in str(e.value)
