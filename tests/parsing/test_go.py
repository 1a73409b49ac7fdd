"""Go: types, methods, functions, TestXxx tests, net/http, gin, chi and gorilla endpoints, pairing."""

import json

from helpers import run_cli
from minions.parsing import LANGUAGES, parse_files
from minions.records import SourceFile
from minions.sources.collect import LANG_BY_SUFFIX

SERVICE = """package orders

import "errors"

// Service cancels orders.
// It refunds them too.
type Service struct {
	repo Repo
}

type (
	// Repo stores orders.
	Repo interface {
		Find(id string) (*Order, error)
	}
	Status int
)

// Cancel cancels an order.
func (s *Service) Cancel(id string) error {
	o, err := s.repo.Find(id)
	if err != nil {
		return err
	}
	return s.refund(o)
}

func (s *Service) refund(o *Order) error { return errors.New("no refunds") }

func (c *Cache[K]) Get(key K) (*Order, bool) { return c.items[key], true }

// Price doubles a price.
func Price(a int) int { return a * 2 }
"""

SERVICE_TEST = """package orders

import "testing"

func TestService_Cancel(t *testing.T) {
	s := &Service{}
	_ = s.Cancel("1")
}

func TestPriceDoubles(t *testing.T) {
	if Price(2) != 4 {
		t.Fatal("price")
	}
}

func TestRefunds(t *testing.T) {
	s := newService()
	s.refund(nil)
}

func TestMain(m *testing.M) {}

func newService() *Service { return &Service{} }

func (s *CancelSuite) TestCancelTwice() {
	s.svc.Cancel("1")
}
"""

ROUTES = """package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
)

func Gin() *gin.Engine {
	r := gin.Default()
	api := r.Group("/api")
	v1 := api.Group("/v1")
	{
		v1.GET("/items/:id", h.GetItem)
		v1.POST("/items", createItem)
		v1.Any("/files/*filepath", serveFiles)
	}
	registerAdmin(api.Group("/admin"))
	return r
}

func registerAdmin(g *gin.RouterGroup) {
	g.DELETE("/users/:id", deleteUser)
}

func Chi() http.Handler {
	r := chi.NewRouter()
	r.Get("/", index)
	r.Route("/articles", func(r chi.Router) {
		r.With(paginate).Get("/", listArticles)
		r.Route("/{articleID}", func(r chi.Router) {
			r.Put("/", updateArticle)
		})
		r.Get("/{slug:[a-z-]+}", getBySlug)
	})
	r.Group(func(r chi.Router) {
		r.Post("/login", login)
	})
	r.Mount("/admin", adminRouter())
	return r
}

func adminRouter() chi.Router {
	r := chi.NewRouter()
	r.Get("/stats", stats)
	return r
}

func Mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", getOrder)
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle("POST example.com/orders/{id...}", orderHandler{})
	resp, _ := http.Get("http://example.com/remote")
	_ = resp
	return mux
}

func Gorilla() *mux.Router {
	r := mux.NewRouter()
	sub := r.PathPrefix("/shop").Subrouter()
	sub.HandleFunc("/carts/{id}", getCart).Methods("GET", http.MethodPut)
	return r
}

// getOrder writes an order.
func getOrder(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte(r.PathValue("id")))
}
"""

ROUTES_TEST = """package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFetchOrder(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/orders/42", nil)
	rec := httptest.NewRecorder()
	api.Mux().ServeHTTP(rec, req)
}

func TestReplaceCart(t *testing.T) {
	req, _ := http.NewRequest("PUT", srv.URL+"/shop/carts/7", nil)
	_ = req
}

func TestOwnRouter(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) {})
	req := httptest.NewRequest("GET", "/orders/1", nil)
	r.ServeHTTP(httptest.NewRecorder(), req)
}
"""

OTHER_APP = """package main

func main() {
	r := gin.Default()
	r.GET("/ping", pong)
}
"""

OTHER_APP_TEST = """package main

func TestPing(t *testing.T) {
	req, _ := http.NewRequest("GET", "/ping", nil)
	setupRouter().ServeHTTP(w, req)
}
"""


def parse(files):
    return parse_files([SourceFile.from_raw("shop", "c1", p, t, "go") for p, t in files])


def by(units, kind, name):
    hits = [u for u in units if u.kind == kind and u.name == name]
    assert len(hits) == 1, (kind, name, [(u.kind, u.name) for u in units])
    return hits[0]


def test_suffix_and_registry():
    assert LANG_BY_SUFFIX[".go"] == "go" and LANGUAGES["go"].grammar == "go"


def test_types_methods_and_functions():
    units = parse([("orders/service.go", SERVICE)]).units
    got = sorted((u.kind, u.class_name or "", u.name, u.scope, u.span) for u in units)
    assert got == [
        ("class", "", "Repo", "class", (13, 15)),
        ("class", "", "Service", "class", (7, 9)),
        ("method", "Cache", "Get", "class", (30, 30)),
        ("method", "Service", "Cancel", "class", (20, 26)),
        ("method", "Service", "refund", "class", (28, 28)),
        ("method", "orders", "Price", "file", (33, 33)),
    ], "struct and interface types are classes (Status is neither); functions belong to the package"
    service = by(units, "class", "Service")
    assert service.doc == "// Service cancels orders.\n// It refunds them too."
    assert by(units, "class", "Repo").doc == "// Repo stores orders."
    cancel = by(units, "method", "Cancel")
    assert cancel.signature == "func (s *Service) Cancel(id string) error"
    assert cancel.doc == "// Cancel cancels an order." and cancel.calls == ["Find", "refund"]
    assert cancel.context.startswith("type Service struct {")
    assert "func (s *Service) Cancel(id string) error { ... }" in cancel.context
    assert "func (s *Service) refund(o *Order) error { ... }" in cancel.context and "Price" not in cancel.context
    price = by(units, "method", "Price")
    assert price.doc == "// Price doubles a price." and "func Price(a int) int { ... }" in price.context
    assert "return a * 2" not in price.context


def test_tests_and_pairing_by_name_and_call():
    units = parse([("orders/service.go", SERVICE), ("orders/service_test.go", SERVICE_TEST)]).units
    tests = [u for u in units if u.kind == "test"]
    assert [(t.name, t.class_name, t.scope, t.span) for t in tests] == [
        ("TestService_Cancel", "orders", "file", (5, 8)),
        ("TestPriceDoubles", "orders", "file", (10, 14)),
        ("TestRefunds", "orders", "file", (16, 19)),
        ("TestCancelTwice", "CancelSuite", "class", (25, 27)),
    ], "TestMain and helpers of test files are no units"
    assert not [u for u in units if u.path.endswith("_test.go") and u.kind != "test"]
    links = {t.name: [(p.focal_id, p.rule) for p in t.pairs] for t in tests}
    cancel, price, refund = (by(units, "method", n) for n in ("Cancel", "Price", "refund"))
    assert links == {
        "TestService_Cancel": [(cancel.id, "name")],
        "TestPriceDoubles": [(price.id, "name")],
        "TestRefunds": [(refund.id, "call")],
        "TestCancelTwice": [(cancel.id, "name")],
    }
    helper_calls = by(units, "test", "TestRefunds")
    assert helper_calls.calls == ["newService", "refund"]


def test_pairing_by_call_prefers_the_file_the_test_is_named_after():
    a = "package calc\n\nfunc Apply(x int) int { return x }\n"
    b = "package calc\n\nfunc Apply2(x int) int { return x }\n\nfunc Scale(x int) int { return x }\n"
    t = "package calc\n\nfunc TestWorks(t *testing.T) {\n\tApply(1)\n\tScale(1)\n\tScale(2)\n}\n"
    units = parse([("calc/a.go", a), ("calc/b.go", b), ("calc/a_test.go", t)]).units
    test = by(units, "test", "TestWorks")
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(by(units, "method", "Apply").id, "call")]


def test_endpoints_of_gin_chi_net_http_and_gorilla():
    units = parse([("api/routes.go", ROUTES)]).units
    eps = sorted((u.http["method"], u.http["path"], u.name, u.span) for u in units if u.kind == "endpoint")
    assert eps == [
        ("ANY", "/api/v1/files/{filepath}", "serveFiles", (18, 18)),
        ("ANY", "/health", "ANY /health", (54, 54)),
        ("DELETE", "/api/admin/users/{id}", "deleteUser", (25, 25)),
        ("GET", "/", "index", (30, 30)),
        ("GET", "/admin/stats", "stats", (47, 47)),
        ("GET", "/api/v1/items/{id}", "GetItem", (16, 16)),
        ("GET", "/articles", "listArticles", (32, 32)),
        ("GET", "/articles/{slug}", "getBySlug", (36, 36)),
        ("GET", "/orders/{id}", "getOrder", (53, 53)),
        ("GET", "/shop/carts/{id}", "getCart", (64, 64)),
        ("POST", "/api/v1/items", "createItem", (17, 17)),
        ("POST", "/login", "login", (39, 39)),
        ("POST", "/orders/{id}", "orderHandler", (55, 55)),
        ("PUT", "/articles/{articleID}", "updateArticle", (34, 34)),
        ("PUT", "/shop/carts/{id}", "getCart", (64, 64)),
    ], "an HTTP client's http.Get is no route"
    get_order = next(u for u in units if u.kind == "endpoint" and u.name == "getOrder")
    assert get_order.class_name == "api" and get_order.scope == "file"
    assert get_order.code.startswith("func getOrder("), "a handler of the same file comes along"
    assert get_order.doc == "// getOrder writes an order."
    assert get_order.code.endswith('mux.HandleFunc("GET /orders/{id}", getOrder)')
    ids = [u.id for u in units]
    assert len(ids) == len(set(ids)), "one gorilla route with two methods is two units"


GIN_DETAILS = """package api

import "github.com/gin-gonic/gin"

type Handler struct{ store Store }

// CreateItem adds an item to a list.
func (h *Handler) CreateItem(c *gin.Context) {
	var req CreateItemRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return
	}
	dry := c.DefaultQuery("dry_run", "false")
	c.JSON(201, h.store.Add(c.Param("listID"), req, dry, c.GetHeader("X-Tenant")))
}

func search(w http.ResponseWriter, r *http.Request) {
	f := &Filter{}
	json.NewDecoder(r.Body).Decode(f)
	q := r.URL.Query().Get("q")
	_ = r.Header.Get("Accept")
	_, _ = q, f
}

func Routes(r *gin.Engine, h *Handler, mux *http.ServeMux) {
	r.POST("/lists/:listID/items", h.CreateItem)
	r.GET("/ping", func(c *gin.Context) { c.String(200, c.Query("echo")) })
	mux.HandleFunc("GET /search", search)
}
"""


def test_endpoints_carry_handler_parameters_and_body():
    units = parse([("api/routes.go", GIN_DETAILS)]).units
    http = {u.http["path"]: u.http for u in units if u.kind == "endpoint"}
    assert http["/lists/{listID}/items"] == {
        "method": "POST",
        "path": "/lists/{listID}/items",
        "returns": "body",
        "handler": by(units, "method", "CreateItem").id,
        "params": [
            {"name": "listID", "in": "path", "type": ""},
            {"name": "dry_run", "in": "query", "type": ""},
            {"name": "X-Tenant", "in": "header", "type": ""},
        ],
        "body": "CreateItemRequest",
        "response": "",
    }
    assert http["/lists/{listID}/items"]["returns"] == http["/search"]["returns"] == "body"
    page = (
        'package web\n\nfunc R(r *gin.Engine) {\n\tr.GET("/", func(c *gin.Context) { c.HTML(200, "i.tmpl", nil) })\n}\n'
    )
    assert [u.http["returns"] for u in parse([("web/r.go", page)]).units if u.kind == "endpoint"] == ["view"]
    assert http["/ping"]["handler"] == "" and http["/ping"]["params"] == [{"name": "echo", "in": "query", "type": ""}]
    assert http["/search"] == {
        "method": "GET",
        "path": "/search",
        "returns": "body",
        "handler": by(units, "method", "search").id,
        "params": [{"name": "q", "in": "query", "type": ""}, {"name": "Accept", "in": "header", "type": ""}],
        "body": "Filter",  # Decode(f) of f := &Filter{}: a pointer already
        "response": "",
    }


def test_http_pairing_reaches_only_routes_the_test_can_reach():
    units = parse(
        [
            ("api/routes.go", ROUTES),
            ("api/routes_test.go", ROUTES_TEST),
            ("ping/main.go", OTHER_APP),
            ("pong/main.go", OTHER_APP),
            ("pong/main_test.go", OTHER_APP_TEST),
            ("other/main_test.go", OTHER_APP_TEST),
        ]
    ).units
    links = {(t.path, t.name): [(p.focal_id, p.rule) for p in t.pairs] for t in units if t.kind == "test"}
    endpoint = {(u.path, u.http["method"], u.http["path"]): u.id for u in units if u.kind == "endpoint"}
    assert links == {
        ("api/routes_test.go", "TestFetchOrder"): [(endpoint[("api/routes.go", "GET", "/orders/{id}")], "http")],
        ("api/routes_test.go", "TestReplaceCart"): [(endpoint[("api/routes.go", "PUT", "/shop/carts/{id}")], "http")],
        ("api/routes_test.go", "TestOwnRouter"): [],
        ("pong/main_test.go", "TestPing"): [(endpoint[("pong/main.go", "GET", "/ping")], "http")],
        ("other/main_test.go", "TestPing"): [],
    }


def test_parse_command_on_a_folder_of_typescript_and_go(tmp_path):
    src = tmp_path / "repo"
    (src / "orders").mkdir(parents=True)
    (src / "web").mkdir()
    (src / "orders" / "service.go").write_text(SERVICE)
    (src / "orders" / "service_test.go").write_text(SERVICE_TEST)
    (src / "web" / "pricing.ts").write_text("export function double(p: number): number {\n  return p * 2;\n}\n")
    (src / "web" / "pricing.test.ts").write_text('it("doubles", () => {\n  expect(double(2)).toBe(4);\n});\n')
    (src / "web" / "global.d.ts").write_text("declare const VERSION: string;\n")
    out = tmp_path / "parsed"
    p = run_cli("parse", str(src), "--out", str(out))
    assert p.returncode == 0, p.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert {k: summary[k] for k in ("files", "classes", "methods", "tests", "pairs", "endpoints", "skipped")} == {
        "files": 5,
        "classes": 2,
        "methods": 5,
        "tests": 5,
        "pairs": 5,
        "endpoints": 0,
        "skipped": 0,
    }
    assert summary["pairs_by_rule"] == {"call": 2, "explicit": 0, "http": 0, "name": 3}
    units = [json.loads(x) for x in (out / "units.jsonl").read_text().splitlines()]
    assert {u["lang"] for u in units} == {"go", "typescript"}
    ts_test = next(u for u in units if u["kind"] == "test" and u["lang"] == "typescript")
    double = next(u for u in units if u["name"] == "double")
    assert ts_test["pairs"] == [{"focal_id": double["id"], "rule": "call"}] and double["class_name"] == "pricing"


NOT_THE_REQUEST = """package api

func list(w http.ResponseWriter, r *http.Request) {
	rows, _ := db.Query("SELECT id, name FROM users WHERE active = 1")
	resp, _ := http.Get("https://upstream.example/users")
	_ = resp.Header.Get("Content-Type")
	var u GitHubUser
	json.NewDecoder(resp.Body).Decode(&u)
	json.NewEncoder(w).Encode(rows)
}

func bookable(c *gin.Context) {
	var b Booking
	c.ShouldBindWith(&b, binding.Query)
	c.JSON(200, gin.H{"html": template.HTML("<b>x</b>")})
}

func create(c *gin.Context) {
	var in struct {
		Name string `json:"name"`
		Age  int    `json:"age"`
	}
	c.ShouldBindJSON(&in)
	_ = c.Request.Header.Get("X-Tenant")
}

func Routes(r *chi.Mux, g *gin.Engine) {
	r.Get("/users", list)
	g.GET("/bookable", bookable)
	g.POST("/people", create)
}
"""


def test_only_the_handlers_own_request_counts():
    """Review finding: a database query, an upstream response's header or body, a query-string binding
    and template.HTML in JSON were taken for the request's parameters, body or a view."""
    http = {u.http["path"]: u.http for u in parse([("api/routes.go", NOT_THE_REQUEST)]).units if u.kind == "endpoint"}
    assert (http["/users"]["params"], http["/users"]["body"], http["/users"]["returns"]) == ([], "", "body")
    assert (http["/bookable"]["body"], http["/bookable"]["returns"]) == ("", "body")
    assert http["/people"]["params"] == [{"name": "X-Tenant", "in": "header", "type": ""}]
    assert http["/people"]["body"] == 'struct { Name string `json:"name"` Age int `json:"age"` }', "one line"
