"""TypeScript and TSX: units, Jest/Vitest/Mocha tests, Express and NestJS endpoints, pairing."""

from minions.parsing import LANGUAGES, parse_files
from minions.parsing.typescript import file_stem, is_test_file
from minions.records import SourceFile
from minions.sources.collect import LANG_BY_SUFFIX

SERVICE = """import { Injectable } from "@nestjs/common";

/** Keeps the shop's orders. */
@Injectable()
export class OrdersService {
  constructor(private readonly repo: OrderRepo) {}

  /** Cancels an order and refunds it. */
  async cancelOrder(id: string): Promise<void> {
    const order = await this.repo.find(id);
    await this.repo.save({ ...order, status: "cancelled" });
    refund(order);
  }

  total = (items: number[]): number => items.reduce((a, b) => a + b, 0);

  abstractLike(): void;
}

export interface OrderRepo {
  find(id: string): Promise<Order>;
}
"""

PRICING = """const RATE = 2;

/** Doubles a price. */
export function double(price: number): number {
  return price * RATE;
}

export const discount = (price: number, pct: number): number => {
  return Math.round(price * (1 - pct / 100));
};

const notAFunction = 42;
"""

SERVICE_SPEC = """import { OrdersService } from "./orders.service";

describe("OrdersService", () => {
  let service: OrdersService;

  beforeEach(() => {
    service = new OrdersService(fakeRepo());
  });

  describe("cancelOrder", () => {
    it("marks the order cancelled", async () => {
      await service.cancelOrder("1");
      expect(saved[0].status).toBe("cancelled");
    });
  });

  it("sums the totals", () => {
    expect(service.total([1, 2])).toBe(3);
  });

  it.each([[10, 20]])("totals %i and %i", (a, b) => {
    expect(service.total([a, b])).toBe(a + b);
  });

  it.todo("refunds partially");
});
"""

PRICING_TEST = """import { discount, double } from "../pricing";

test("applies a percentage", () => {
  expect(discount(200, 10)).toBe(180);
});

function helper() {
  return 1;
}
"""

APP = """import express, { Router } from "express";
import axios from "axios";

const app = express();
const orders = Router();
const API = "/api/v1";

/** Lists the orders. */
function listOrders(req, res) {
  res.json([]);
}

orders.get("/", listOrders);
orders.post("/:id/cancel", async (req, res) => {
  res.sendStatus(204);
});
orders.route("/:orderId/items").get(listItems).put(ctrl.replaceItems);
app.use(`${API}/orders`, orders);
/** Liveness probe. */
app.all("/health", (req, res) => res.send("ok"));

const client = axios.create();
client.get("/remote", { params: { q: 1 } });
app.get("title");
const token = headers().get("x-token");
"""

CONTROLLER = """import { Body, Controller, Get, HttpCode, Param, Post } from "@nestjs/common";

@Controller("orders")
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(":id")
  findOne(@Param("id") id: string) {
    return this.orders.find(id);
  }

  /** Places an order. */
  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateOrderDto) {
    return this.orders.create(dto);
  }

  helper() {
    return 1;
  }
}

@Controller({ path: "admin/reports" })
class ReportsController {
  @Get(["daily", "day"])
  daily() {
    return [];
  }
}
"""


def parse(files):
    return parse_files([SourceFile.from_raw("shop", "c1", p, t, lang) for p, t, lang in files])


def by(units, kind, name):
    hits = [u for u in units if u.kind == kind and u.name == name]
    assert len(hits) == 1, (kind, name, [(u.kind, u.name) for u in units])
    return hits[0]


def test_suffixes_and_registry():
    assert {s: LANG_BY_SUFFIX[s] for s in (".ts", ".mts", ".cts", ".tsx")} == {
        ".ts": "typescript",
        ".mts": "typescript",
        ".cts": "typescript",
        ".tsx": "tsx",
    }
    assert LANGUAGES["typescript"].grammar == "typescript" and LANGUAGES["tsx"].grammar == "tsx"


def test_classes_interfaces_methods_and_functions():
    res = parse([("src/orders.service.ts", SERVICE, "typescript"), ("src/pricing.ts", PRICING, "typescript")])
    units = res.units
    assert sorted((u.kind, u.name) for u in units) == [
        ("class", "OrderRepo"),
        ("class", "OrdersService"),
        ("method", "cancelOrder"),
        ("method", "constructor"),
        ("method", "discount"),
        ("method", "double"),
        ("method", "total"),
    ], "a bodiless member and a const that is no function are not units"
    cls = by(units, "class", "OrdersService")
    assert cls.span == (4, 18) and cls.doc == "/** Keeps the shop's orders. */"
    assert cls.code.startswith("@Injectable()\nexport class OrdersService {")
    cancel = by(units, "method", "cancelOrder")
    assert cancel.class_name == "OrdersService" and cancel.scope == "class" and cancel.span == (9, 13)
    assert cancel.signature == "async cancelOrder(id: string): Promise<void>"
    assert cancel.doc == "/** Cancels an order and refunds it. */"
    assert cancel.calls == ["find", "save", "refund"]
    assert "async cancelOrder(id: string): Promise<void> { ... }" in cancel.context
    assert "this.repo.find" not in cancel.context
    total = by(units, "method", "total")
    assert total.signature == "total = (items: number[]): number =>" and total.span == (15, 15)
    double = by(units, "method", "double")
    assert (double.class_name, double.scope, double.span) == ("pricing", "file", (4, 6))
    assert double.signature == "export function double(price: number): number"
    assert double.doc == "/** Doubles a price. */"
    assert "export function double(price: number): number { ... }" in double.context
    discount = by(units, "method", "discount")
    assert discount.span == (8, 10) and discount.code.startswith("export const discount = (price")
    assert discount.signature == "export const discount = (price: number, pct: number): number =>"


def test_declaration_files_give_no_units():
    res = parse([("types/index.d.ts", "export declare class Foo { bar(): void; }\n", "typescript")])
    assert res.units == [] and res.files_parsed == 1


def test_jest_tests_and_their_pairing():
    res = parse(
        [
            ("src/orders.service.ts", SERVICE, "typescript"),
            ("src/orders.service.spec.ts", SERVICE_SPEC, "typescript"),
            ("src/pricing.ts", PRICING, "typescript"),
            ("src/__tests__/pricing.ts", PRICING_TEST, "typescript"),
        ]
    )
    units = res.units
    tests = [u for u in units if u.kind == "test"]
    assert [(t.path, t.name, t.class_name, t.span) for t in tests] == [
        ("src/orders.service.spec.ts", "marks the order cancelled", "OrdersService", (11, 14)),
        ("src/orders.service.spec.ts", "sums the totals", "OrdersService", (17, 19)),
        ("src/orders.service.spec.ts", "totals %i and %i", "OrdersService", (21, 23)),
        ("src/__tests__/pricing.ts", "applies a percentage", "pricing", (3, 5)),
    ], "it/test with a callback only (not it.todo), test files give no other units (no `helper`)"
    cancelled = by(units, "test", "marks the order cancelled")
    assert cancelled.signature == "OrdersService › cancelOrder › marks the order cancelled"
    assert cancelled.calls == ["cancelOrder", "toBe", "expect"]
    assert 'it("sums the totals", () => { ... });' in cancelled.context
    assert "service = new OrdersService(fakeRepo());" in cancelled.context, "hooks stay whole"
    assert "expect(service.total([1, 2])).toBe(3)" not in cancelled.context, "the other tests' bodies are elided"
    assert 'describe("cancelOrder", () => {' in cancelled.context, "describe blocks stay"
    links = {t.name: [(p.focal_id, p.rule) for p in t.pairs] for t in tests}
    assert links == {
        "marks the order cancelled": [(by(units, "method", "cancelOrder").id, "name")],
        "sums the totals": [(by(units, "method", "total").id, "call")],
        "totals %i and %i": [(by(units, "method", "total").id, "call")],
        "applies a percentage": [(by(units, "method", "discount").id, "call")],
    }


def test_test_files_and_the_stems_they_pair_by():
    assert [file_stem(p) for p in ("a/orders.spec.ts", "test/app.e2e-spec.ts", "x/pricing.test.tsx", "b/c.ts")] == [
        "orders",
        "app",
        "pricing",
        "c",
    ]
    assert [is_test_file(p) for p in ("src/a.test.ts", "src/__tests__/a.ts", "test/a.ts", "src/latest.ts")] == [
        True,
        True,
        True,
        False,
    ]


def test_describe_and_it_outside_test_files_are_not_tests():
    src = 'describe("x", () => {\n  it("y", () => {});\n});\n'
    assert [u for u in parse([("src/demo.ts", src, "typescript")]).units if u.kind == "test"] == []
    for path in ("src/demo.test.ts", "src/demo.spec.mts", "test/app.e2e-spec.ts", "tests/demo.ts"):
        got = [u.class_name for u in parse([(path, src, "typescript")]).units if u.kind == "test"]
        assert got == ["x"], path


def test_express_endpoints_with_prefixes_and_route_chains():
    res = parse([("src/app.ts", APP, "typescript")])
    eps = sorted((u.http["method"], u.http["path"], u.name, u.span) for u in res.units if u.kind == "endpoint")
    assert eps == [
        ("ANY", "/health", "ANY /health", (20, 20)),
        ("GET", "/api/v1/orders", "listOrders", (13, 13)),
        ("GET", "/api/v1/orders/{orderId}/items", "listItems", (17, 17)),
        ("POST", "/api/v1/orders/{id}/cancel", "POST /api/v1/orders/{id}/cancel", (14, 16)),
        ("PUT", "/api/v1/orders/{orderId}/items", "replaceItems", (17, 17)),
    ], "an HTTP client's get, app.get(setting) and headers().get are no routes"
    listing = by(res.units, "endpoint", "listOrders")
    assert listing.class_name == "app" and listing.scope == "file"
    assert listing.code.startswith("function listOrders(req, res) {"), "a handler of the same file comes along"
    assert listing.code.endswith('orders.get("/", listOrders);') and listing.doc == "/** Lists the orders. */"
    assert by(res.units, "endpoint", "ANY /health").doc == "/** Liveness probe. */"
    ids = [u.id for u in res.units]
    assert len(ids) == len(set(ids)), "two verbs on one route() chain are two units"


def test_class_based_express_router_with_a_path_field():
    src = """import { Router } from "express";

export class OrdersRoutes {
  public path = "/orders";
  public router = Router();

  constructor() {
    this.router.get(`${this.path}/:id`, this.getById);
  }

  getById = async (req, res) => {
    res.json({});
  };
}
"""
    res = parse([("src/orders.routes.ts", src, "typescript")])
    eps = [({k: u.http[k] for k in ("method", "path")}, u.name, u.span) for u in res.units if u.kind == "endpoint"]
    assert eps == [({"method": "GET", "path": "/orders/{id}"}, "getById", (8, 8))]


def test_nestjs_controllers():
    res = parse([("src/orders/orders.controller.ts", CONTROLLER, "typescript")])
    units = res.units
    eps = [(u.class_name, u.name, u.http["method"], u.http["path"], u.span) for u in units if u.kind == "endpoint"]
    assert eps == [
        ("OrdersController", "findOne", "GET", "/orders/{id}", (7, 7)),
        ("OrdersController", "create", "POST", "/orders", (13, 13)),
        ("ReportsController", "daily", "GET", "/admin/reports/daily", (26, 26)),
    ]
    create = by(units, "method", "create")
    endpoint = by(units, "endpoint", "create")
    assert create.span == (13, 17) and create.code.startswith("  @Post()\n  @HttpCode(201)\n  create(")
    assert create.doc == "/** Places an order. */" and endpoint.code == create.code
    assert create.signature == "@Post()\n  @HttpCode(201)\n  create(@Body() dto: CreateOrderDto)"
    assert endpoint.id != create.id


def test_supertest_requests_pair_with_endpoints():
    spec = """import request from "supertest";
import { app } from "../src/app";

describe("orders API", () => {
  it("cancels an order", async () => {
    const id = 42;
    await request(app).post(`/api/v1/orders/${id}/cancel`).expect(204);
  });

  it("lists items", async () => {
    await request(app).get('/api/v1/orders/7/items?limit=2').expect(200);
  });

  it("answers a route it registers itself", async () => {
    const local = express();
    local.get("/api/v1/orders", (req, res) => res.send("x"));
    await request(local).get("/api/v1/orders").expect(200);
  });
});
"""
    res = parse([("src/app.ts", APP, "typescript"), ("test/orders.e2e-spec.ts", spec, "typescript")])
    units = res.units
    links = {t.name: [(p.focal_id, p.rule) for p in t.pairs] for t in units if t.kind == "test"}
    cancel = next(u for u in units if u.kind == "endpoint" and u.http["method"] == "POST")
    assert links == {
        "cancels an order": [(cancel.id, "http")],
        "lists items": [(by(units, "endpoint", "listItems").id, "http")],
        "answers a route it registers itself": [],
    }


def test_http_pairing_takes_the_nearest_of_several_matching_endpoints():
    app = 'import express from "express";\nconst app = express();\napp.get("/health", (req, res) => res.send("ok"));\n'
    spec = 'it("is alive", async () => {\n  await request(app).get("/health").expect(200);\n});\n'
    res = parse(
        [
            ("apps/billing/src/app.ts", app, "typescript"),
            ("apps/shop/src/app.ts", app, "typescript"),
            ("apps/shop/test/health.test.ts", spec, "typescript"),
        ]
    )
    test = by(res.units, "test", "is alive")
    focal = next(u for u in res.units if u.id == test.pairs[0].focal_id)
    assert (focal.path, test.pairs[0].rule) == ("apps/shop/src/app.ts", "http")


def test_tsx_components_and_tests():
    component = """type Props = { label: string };

export function Button({ label }: Props) {
  return <button className="btn">{label}</button>;
}
"""
    spec = """import { render } from "@testing-library/react";

describe("Button", () => {
  it("renders its label", () => {
    render(<Button label="Pay" />);
  });
});
"""
    res = parse([("ui/Button.tsx", component, "tsx"), ("ui/Button.test.tsx", spec, "tsx")])
    assert res.skipped == [] and res.files_parsed == 2
    button = by(res.units, "method", "Button")
    assert button.lang == "tsx" and button.class_name == "Button" and button.scope == "file"
    test = by(res.units, "test", "renders its label")
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(button.id, "name")], "the describe title names it"


NEST_DETAILS = """\
@Controller('cats')
export class CatsController {
  @Get(':id')
  async findOne(@Param('id') id: string, @Query() filter: ListDto, @Headers('x-tenant') tenant?: string): Promise<Cat> {
    return this.cats.get(id);
  }

  @Post()
  create(@Body() dto: CreateCatDto, @Query('dryRun') dry: boolean) {
    return this.cats.create(dto);
  }
}
"""


def test_nest_endpoints_carry_handler_parameters_body_and_response():
    units = parse([("src/cats.controller.ts", NEST_DETAILS, "typescript")]).units
    http = {u.name: u.http for u in units if u.kind == "endpoint"}
    assert http["findOne"] == {
        "method": "GET",
        "path": "/cats/{id}",
        "returns": "body",
        "handler": by(units, "method", "findOne").id,
        "params": [
            {"name": "id", "in": "path", "type": "string"},
            {"name": "x-tenant", "in": "header", "type": "string"},
        ],
        "body": "",
        "response": "Promise<Cat>",
    }
    assert http["create"] == {
        "method": "POST",
        "path": "/cats",
        "returns": "body",
        "handler": by(units, "method", "create").id,
        "params": [{"name": "dryRun", "in": "query", "type": "boolean"}],
        "body": "CreateCatDto",
        "response": "",  # not declared
    }


EXPRESS_DETAILS = """\
import { Router, Request, Response } from "express";
const router = Router();

export async function createOrder(req: Request<{ shopId: string }, unknown, CreateOrder>, res: Response) {
  const { dryRun, notify: alias } = req.query;
  const tenant = req.header("X-Tenant");
  res.json(await save(req.params.shopId, req.body, req.query.page, dryRun));
}

router.post("/shops/:shopId/orders", createOrder);
router.get("/search", (req, res) => res.json(find(req.query.q, req.get("Accept"))));
"""


def test_express_endpoints_carry_path_and_request_parameters():
    units = parse([("src/orders.routes.ts", EXPRESS_DETAILS, "typescript")]).units
    http = {u.http["path"]: u.http for u in units if u.kind == "endpoint"}
    assert http["/shops/{shopId}/orders"] == {
        "method": "POST",
        "path": "/shops/{shopId}/orders",
        "returns": "body",
        "handler": by(units, "method", "createOrder").id,
        "params": [
            {"name": "shopId", "in": "path", "type": ""},
            {"name": "dryRun", "in": "query", "type": ""},
            {"name": "notify", "in": "query", "type": ""},
            {"name": "X-Tenant", "in": "header", "type": ""},
            {"name": "page", "in": "query", "type": ""},
        ],
        "body": "CreateOrder",  # Request<Params, ResBody, ReqBody>
        "response": "",
    }
    assert http["/search"] == {
        "method": "GET",
        "path": "/search",
        "returns": "body",
        "handler": "",  # an inline handler is no unit of its own
        "params": [{"name": "q", "in": "query", "type": ""}, {"name": "Accept", "in": "header", "type": ""}],
        "body": "",
        "response": "",
    }


def test_endpoints_that_render_a_view_are_marked():
    nest = "@Controller()\nexport class Home {\n  @Get()\n  @Render('index')\n  root() { return {}; }\n}\n"
    express = 'const router = Router();\nrouter.get("/about", (req, res) => res.render("about", {}));\n'
    units = parse([("src/home.controller.ts", nest, "typescript"), ("src/pages.ts", express, "typescript")]).units
    assert sorted((u.http["path"], u.http["returns"]) for u in units if u.kind == "endpoint") == [
        ("/", "view"),
        ("/about", "view"),
    ]


NEST_WHOLE_OBJECTS = """\
@Controller('articles')
export class ArticlesController {
  @Put(':slug/comments/:commentId')
  update(@Param() params, @Query() query: ListDto, @Headers() headers, @Body('article') article: ArticleData) {
    return this.articles.update(params.slug, article);
  }
}
"""

EXPRESS_PATTERNS = """\
const router = Router();
router.get("/search", (req, res) => {
  const { q, // the search text
    page = 1, sort: order, ...rest } = req.query;
  res.json(find(q, page, order, rest, req.query["dir"]));
});
"""


def test_whole_object_decorators_and_patterns_name_no_parameter_of_their_own():
    """Review finding: `@Param() params` became a path parameter `params` (and the path's `slug` was
    missing), `@Body("article")` gave the body type, and Express destructuring gave `// the search text`,
    `page = 1` and `...rest` as query parameters."""
    units = parse([("src/articles.controller.ts", NEST_WHOLE_OBJECTS, "typescript")]).units
    (nest,) = [u.http for u in units if u.kind == "endpoint"]
    assert nest["params"] == [
        {"name": "slug", "in": "path", "type": ""},
        {"name": "commentId", "in": "path", "type": ""},
    ]
    assert nest["body"] == ""
    (express,) = [
        u.http for u in parse([("src/search.ts", EXPRESS_PATTERNS, "typescript")]).units if u.kind == "endpoint"
    ]
    assert [(p["name"], p["in"]) for p in express["params"]] == [
        ("q", "query"),
        ("page", "query"),
        ("sort", "query"),
        ("dir", "query"),
    ]


def test_arrow_functions_with_an_expression_body_are_elided_in_outlines():
    """Review finding: `const double = (x) => x * 2 + f(x)` kept its body in the module outline, so
    implement-method's input held the answer."""
    src = (
        "export const double = (x: number): number =>\n  x * 2 + f(x);\n\n"
        "export class Prices {\n  half = (x: number) => x / 2 + g(x);\n}\n"
    )
    units = parse([("src/math.ts", src, "typescript")]).units
    double = next(u for u in units if u.name == "double")
    half = next(u for u in units if u.name == "half" and u.kind == "method")
    assert "x * 2 + f(x)" in double.code and "x * 2 + f(x)" not in double.context
    assert "x / 2 + g(x)" in half.code and "x / 2 + g(x)" not in half.context


def test_a_router_made_by_requiring_express_in_place():
    """`const r = require("express").Router()`: a router whatever its name."""
    src = 'const r = require("express").Router();\nr.post("/login", login);\nmodule.exports = r;\n'
    units = parse([("src/auth.js.ts", src, "typescript")]).units
    assert [(u.http["method"], u.http["path"]) for u in units if u.kind == "endpoint"] == [("POST", "/login")]
