from minions.parsing import parse_files
from minions.records import PairLink, SourceFile

KOTLIN = """package com.shop.loyalty

/** Points ledger. */
class Ledger(private val repo: Repo) {
    /** Adds points. */
    fun add(points: Int): Int {
        val total = repo.balance() + points
        return total
    }
}

fun tierOf(points: Int): String = if (points > 100) "gold" else "basic"
"""

KOTLIN_TEST = """package com.shop.loyalty

import org.junit.jupiter.api.Test

class LedgerTest {
    @Test
    fun `adds points`() {
        val ledger = Ledger(FakeRepo())
        assertEquals(5, ledger.add(5))
    }
}
"""

PY = '''"""Pricing."""


def convert(amount, rate):
    """Convert an amount."""
    value = amount * rate
    return round(value, 2)


class Importer:
    @staticmethod
    def parse(line):
        parts = line.split(",")
        return parts
'''

PY_TEST = """from pricing import convert


def test_convert_rounds():
    assert convert(1.005, 2) == 2.01
"""


def test_kotlin_units_and_pairing_by_call():
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "loyalty/src/main/kotlin/Ledger.kt", KOTLIN, "kotlin"),
            SourceFile.from_raw("r", "c", "loyalty/src/test/kotlin/LedgerTest.kt", KOTLIN_TEST, "kotlin"),
        ]
    )
    by_name = {(u.kind, u.name): u for u in res.units}
    assert ("class", "Ledger") in by_name and ("method", "tierOf") in by_name
    add = by_name[("method", "add")]
    assert add.class_name == "Ledger" and add.doc == "/** Adds points. */" and "balance" in add.calls
    top = by_name[("method", "tierOf")]
    assert top.class_name == "Ledger" and top.scope == "file", "top-level functions belong to the file"
    assert add.scope == "class"
    test = by_name[("test", "adds points")]  # the name a person reads, without Kotlin's backticks
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(add.id, "call")]


def test_python_units_docstrings_and_pairing_by_name():
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "tools/pricing.py", PY, "python"),
            SourceFile.from_raw("r", "c", "tools/tests/test_pricing.py", PY_TEST, "python"),
        ]
    )
    by_name = {(u.kind, u.name): u for u in res.units}
    convert = by_name[("method", "convert")]
    assert convert.class_name == "pricing" and convert.doc == '"""Convert an amount."""'
    assert convert.code.startswith("def convert(amount, rate):")
    assert convert.scope == "file" and "def convert(amount, rate):\n    ..." in convert.context
    assert "value = amount * rate" not in convert.context and "return parts" not in convert.context
    parse = by_name[("method", "parse")]
    assert parse.class_name == "Importer" and parse.code.lstrip().startswith("@staticmethod")
    assert parse.scope == "class"
    test = by_name[("test", "test_convert_rounds")]
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(convert.id, "name")]


def test_kotlin_companion_and_enum_functions():
    src = """class A(val v: Int) {
    companion object {
        fun make(x: Int): A {
            val y = x + 1
            return A(y)
        }
    }
}

enum class Tier(val min: Int) {
    BASIC(0), GOLD(100);

    fun next(): Tier {
        val i = ordinal + 1
        return values()[i]
    }
}
"""
    res = parse_files([SourceFile.from_raw("r", "c", "A.kt", src, "kotlin")])
    got = sorted((u.kind, u.name, u.class_name) for u in res.units)
    assert got == [("class", "A", None), ("class", "Tier", None), ("method", "make", "A"), ("method", "next", "Tier")]


KOTLIN_CONTROLLER = """package com.shop.order

const val ORDERS = "/api/orders"

@RestController
@RequestMapping(ORDERS, "/o")
class OrderController(private val service: OrderService) {
    @GetMapping("/{id}")
    fun get(@PathVariable id: Long): Order = service.find(id)

    @RequestMapping(value = [ALL], method = [RequestMethod.GET, RequestMethod.POST])
    fun list(): List<Order> {
        return service.all()
    }

    @PostMapping
    fun create(@RequestBody o: Order) = service.save(o)

    companion object {
        const val ALL = "/all"
    }
}

@Controller
class PageController {
    @GetMapping("/home")
    fun home(): String = "home"

    @GetMapping(path = ["/health"])
    fun health(): ResponseEntity<String> = ResponseEntity.ok("up")
}
"""


def test_kotlin_spring_endpoints():
    res = parse_files([SourceFile.from_raw("r", "c", "app/OrderController.kt", KOTLIN_CONTROLLER, "kotlin")])
    assert res.skipped == []
    assert [
        (u.name, u.http["method"], u.http["path"], u.http["returns"]) for u in res.units if u.kind == "endpoint"
    ] == [
        ("get", "GET", "/api/orders/{id}", "body"),
        ("get", "GET", "/o/{id}", "body"),
        ("list", "GET", "/api/orders/all", "body"),
        ("list", "POST", "/api/orders/all", "body"),
        ("list", "GET", "/o/all", "body"),
        ("list", "POST", "/o/all", "body"),
        ("create", "POST", "/api/orders", "body"),
        ("create", "POST", "/o", "body"),
        ("home", "GET", "/home", "view"),
        ("health", "GET", "/health", "body"),
    ]
    get = next(u for u in res.units if u.kind == "endpoint")
    assert get.code.startswith("    @GetMapping") and get.class_name == "OrderController"
    assert {u.package for u in res.units} == {"com.shop.order"}
    assert len({u.id for u in res.units}) == len(res.units)


def test_kotlin_grammar_errors_without_an_error_node_drop_only_their_lines():
    """The Kotlin grammar flags some valid one-liners without marking an ERROR node: the innermost
    node holding the error counts as broken, the rest of the file is kept."""
    src = (
        "class B(val v: Int) { fun f(): Int { return v } }\n\n"
        "class C {\n    fun g(): Int {\n        return 2\n    }\n"
        '    companion object { const val P = "/p" }\n}\n'
    )
    res = parse_files([SourceFile.from_raw("r", "c", "B.kt", src, "kotlin")])
    assert [(u.kind, u.name, u.span) for u in res.units] == [("method", "g", (4, 6))]
    assert [s.reason for s in res.skipped] == ["syntax error near line 1 (lines 1, 7; 1 of 4 units kept)"]


FASTAPI_ROUTES = """from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])
helper = make_helper()


@router.get("/{item_id}", response_model=Item)
async def read_item(item_id: int):
    return {}


@router.api_route("/", methods=["POST", "PUT"])
def save_item(item: Item):
    return item


@helper.get("/not-a-route")
def not_an_endpoint():
    return 1
"""

FLASK_ROUTES = """from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/<int:uid>", methods=["GET", "DELETE"])
def user(uid):
    return ""


@bp.post("/")
def create_user():
    return ""
"""

FASTAPI_TESTS = """def test_read_one(client):
    r = client.get(f"/items/{item.id}")
    assert r.status_code == 200


def test_save_by_route_name(client, app):
    r = client.put(app.url_path_for("save_item"))
    assert r.ok


def test_flask_delete(client):
    assert client.delete('/users/7').status_code == 204
"""


def test_fastapi_and_flask_endpoints_and_tests_paired_through_the_client():
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "app/routes/items.py", FASTAPI_ROUTES, "python"),
            SourceFile.from_raw("r", "c", "app/routes/users.py", FLASK_ROUTES, "python"),
            SourceFile.from_raw("r", "c", "tests/test_api.py", FASTAPI_TESTS, "python"),
        ]
    )
    endpoints = [(u.name, u.http["method"], u.http["path"]) for u in res.units if u.kind == "endpoint"]
    assert endpoints == [
        ("read_item", "GET", "/items/{item_id}"),
        ("save_item", "POST", "/items"),
        ("save_item", "PUT", "/items"),
        ("user", "GET", "/users/{uid}"),  # Flask's <int:uid> as a path parameter
        ("user", "DELETE", "/users/{uid}"),
        ("create_user", "POST", "/users"),
    ]
    read = next(u for u in res.units if u.kind == "endpoint" and u.name == "read_item")
    assert read.code.startswith('@router.get("/{item_id}"') and read.span == (7, 7)
    by_test = {u.name: u.pairs for u in res.units if u.kind == "test"}
    target = {(e.name, e.http["method"]): e.id for e in res.units if e.kind == "endpoint"}
    assert by_test == {
        "test_read_one": [PairLink(focal_id=target[("read_item", "GET")], rule="http")],
        "test_save_by_route_name": [PairLink(focal_id=target[("save_item", "PUT")], rule="http")],
        "test_flask_delete": [PairLink(focal_id=target[("user", "DELETE")], rule="http")],
    }


def test_an_any_endpoint_takes_every_verb():
    from minions.parsing.pairing import _by_http

    res = parse_files([SourceFile.from_raw("r", "c", "a/routes.py", FLASK_ROUTES, "python")])
    user = next(u for u in res.units if u.kind == "endpoint" and u.http["method"] == "GET")
    any_user = user.model_copy(update={"http": {**user.http, "method": "ANY"}})
    test = next(u for u in res.units if u.kind == "method").model_copy(update={"code": "client.patch('/users/3')"})
    assert _by_http(test, [user]) is None and _by_http(test, [any_user]) is any_user


def test_kotlin_and_python_endpoint_details():
    kt = """@RestController
@RequestMapping("/api")
class LineController {
    @PostMapping("/orders/{id}/lines")
    fun add(@PathVariable("id") orderId: Long, @RequestParam dry: Boolean?, @RequestBody line: LineRequest): Line =
        service.add(orderId, line)
}
"""
    py = """router = APIRouter(prefix="/items")


@router.put("/{item_id}", response_model=ItemPublic)
def update_item(*, session: SessionDep, item_id: uuid.UUID, item_in: ItemUpdate, q: str | None = Query(None)) -> Any:
    return item_in


bp = Blueprint("users", __name__)


@bp.route("/users/<int:uid>")
def user(uid):
    return ""
"""
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "a/LineController.kt", kt, "kotlin"),
            SourceFile.from_raw("r", "c", "a/items.py", py, "python"),
        ]
    )
    handlers = {u.name: u.id for u in res.units if u.kind == "method"}
    details = [
        {k: v for k, v in u.http.items() if k not in ("method", "path", "returns")}
        for u in res.units
        if u.kind == "endpoint"
    ]
    assert details == [
        {
            "handler": handlers["add"],
            "params": [
                {"name": "id", "in": "path", "type": "Long"},
                {"name": "dry", "in": "query", "type": "Boolean?"},
            ],
            "body": "LineRequest",
            "response": "Line",
        },
        {
            "handler": handlers["update_item"],
            "params": [
                {"name": "item_id", "in": "path", "type": "uuid.UUID"},
                {"name": "q", "in": "query", "type": "str | None"},
            ],
            "body": "ItemUpdate",  # a model-typed parameter; the session dependency is no parameter
            "response": "ItemPublic",
        },
        {
            "handler": handlers["user"],
            "params": [{"name": "uid", "in": "path", "type": "int"}],
            "body": "",
            "response": "",
        },
    ]


def test_kotlin_qualified_annotations_are_read_by_their_last_name():
    src = (
        "@org.springframework.web.bind.annotation.RestController\nclass C {\n"
        '    @org.springframework.web.bind.annotation.GetMapping("/x")\n    fun x(): String = ""\n}\n'
    )
    res = parse_files([SourceFile.from_raw("r", "c", "C.kt", src, "kotlin")])
    assert [(u.name, u.http["path"]) for u in res.units if u.kind == "endpoint"] == [("x", "/x")]
    assert next(u for u in res.units if u.kind == "class").role == "controller"


def test_python_requests_under_a_settings_base_and_the_request_a_test_is_named_after():
    routes = """router = APIRouter(prefix="/users")


@router.get("/{user_id}")
def read_user_by_id(user_id: int):
    return {}
"""
    login = """router = APIRouter(prefix="/login")


@router.post("/access-token")
def login_access_token(form):
    return {}
"""
    tests = """def test_get_existing_user_current_user(client):
    r = client.post(f"{settings.API_V1_STR}/login/access-token", data=login_data)
    r = client.get(
        f"{settings.API_V1_STR}/users/{user_id}",
        headers=headers,
    )


def test_login_only(client):
    client.post(f"{settings.API_V1_STR}/login/access-token", data=login_data)
"""
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "app/routes/users.py", routes, "python"),
            SourceFile.from_raw("r", "c", "app/routes/login.py", login, "python"),
            SourceFile.from_raw("r", "c", "tests/test_users.py", tests, "python"),
        ]
    )
    names = {u.id: u.name for u in res.units}
    assert {u.name: [(names[p.focal_id], p.rule) for p in u.pairs] for u in res.units if u.kind == "test"} == {
        "test_get_existing_user_current_user": [("read_user_by_id", "http")],  # not the log-in before it
        "test_login_only": [("login_access_token", "http")],
    }
