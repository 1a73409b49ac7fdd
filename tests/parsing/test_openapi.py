"""OpenAPI 3 and Swagger 2 files as endpoint units."""

import json

from minions.parsing import parse_files
from minions.records import SourceFile

SPEC = """openapi: 3.0.1
info:
  title: Petstore
paths:
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        schema: {type: integer}
    get:
      operationId: showPetById
      summary: Info for a specific pet
      responses:
        '200':
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200': {description: ok}
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
"""

SWAGGER = {
    "swagger": "2.0",
    "basePath": "/v2",
    "paths": {
        "/store/order": {
            "post": {
                "operationId": "placeOrder",
                "parameters": [{"in": "body", "name": "body", "schema": {"$ref": "#/definitions/Order"}}],
                "responses": {"200": {"schema": {"$ref": "#/definitions/Order"}}},
            }
        }
    },
}


def _parse(*files):
    return parse_files([SourceFile.from_raw("r", "c", p, t, lang) for p, t, lang in files])


def test_openapi_operations_are_endpoints():
    res = _parse(("api/openapi.yaml", SPEC, "yaml"))
    got = [(u.name, u.span, u.http, u.class_name, u.doc) for u in res.units]
    pet = [{"name": "petId", "in": "path", "type": "integer"}]
    assert got == [
        (
            "showPetById",
            (5, 25),
            {
                "method": "GET",
                "path": "/pets/{petId}",
                "returns": "body",
                "handler": "",
                "params": pet,
                "body": "",
                "response": "Pet",
            },
            "Petstore",
            "Info for a specific pet",
        ),
        (
            "PUT /pets/{petId}",
            (5, 25),
            {
                "method": "PUT",
                "path": "/pets/{petId}",
                "returns": "body",
                "handler": "",
                "params": pet,
                "body": "Pet",
                "response": "",
            },
            "Petstore",
            "",
        ),
        (
            "listPets",
            (26, 35),
            {
                "method": "GET",
                "path": "/pets",
                "returns": "body",
                "handler": "",
                "params": [{"name": "limit", "in": "query", "type": "integer"}],
                "body": "",
                "response": "Pet[]",
            },
            "Petstore",
            "",
        ),
    ]
    assert res.units[2].code.startswith("  /pets:\n    get:\n      operationId: listPets")
    assert len({u.id for u in res.units}) == 3 and res.summary()["endpoints"] == 3


def test_swagger_json_with_a_base_path_and_a_body_parameter():
    (order,) = _parse(("petstore.json", json.dumps(SWAGGER), "json")).units
    assert (order.name, order.http["method"], order.http["path"]) == ("placeOrder", "POST", "/v2/store/order")
    assert (order.http["body"], order.http["response"]) == ("Order", "Order")


def test_other_yaml_is_not_a_spec_and_a_broken_spec_is_reported():
    res = _parse(
        ("application.yml", "server:\n  port: 8080\n", "yaml"), ("bad.yaml", "openapi: 3.0.0\npaths: [\n", "yaml")
    )
    assert res.units == []
    assert [s.reason for s in res.skipped] == ["syntax error in OpenAPI file: ParserError"]
    assert res.summary()["skipped_by_reason"] == {"syntax": 1}


def test_a_test_pairs_with_a_spec_endpoint_by_http():
    test = 'class PetsIT { @Test void listsPets() { given().when().get("/pets?limit=2").then().statusCode(200); } }'
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "api/openapi.yaml", SPEC, "yaml"),
            SourceFile.from_raw("r", "c", "PetsIT.java", test, "java"),
        ]
    )
    by_id = {u.id: u.name for u in res.units}
    (t,) = [u for u in res.units if u.kind == "test"]
    assert [(by_id[p.focal_id], p.rule) for p in t.pairs] == [("listPets", "http")]


def test_odd_specs_are_read_or_reported_never_raised():
    odd = {
        "info.yaml": (
            "openapi: 3.0.0\ninfo: Orders API\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}}\n"
        ),
        "params.yaml": "openapi: 3.0.0\npaths:\n  /b:\n    parameters: 5\n    get: {parameters: 7, responses: 200}\n",
        "loop.yaml": (
            "openapi: 3.0.0\npaths:\n  /c:\n    get:\n      responses:\n        '200':\n"
            "          schema: &s {type: array, items: *s}\n"
        ),
    }
    res = _parse(*[(p, t, "yaml") for p, t in odd.items()])
    assert [(u.path, u.http["path"], u.class_name) for u in res.units] == [
        ("info.yaml", "/a", None),
        ("params.yaml", "/b", None),
        ("loop.yaml", "/c", None),
    ]
    assert res.units[2].http["response"] == "array" + "[]" * 10, "a schema that is its own item stops"
    assert res.skipped == []


def test_a_spec_the_reader_cannot_handle_is_skipped_with_a_reason(monkeypatch):
    import minions.parsing.parse as parse

    def broken(f, module):
        raise KeyError("x")

    monkeypatch.setattr(parse, "openapi_units", broken)
    res = _parse(("api.yaml", SPEC, "yaml"), ("A.java", "class A { int f() { return 1; } }", "java"))
    assert [s.reason for s in res.skipped] == ["openapi parser failed: KeyError"]
    assert [u.name for u in res.units if u.kind == "method"] == ["f"], "the run goes on"


def test_path_keys_that_normalise_alike_keep_distinct_ids():
    spec = "openapi: 3.0.0\npaths:\n  /pets:\n    get: {operationId: a}\n  pets:\n    get: {operationId: b}\n"
    res = _parse(("api.yaml", spec, "yaml"))
    assert [(u.name, u.http["path"]) for u in res.units] == [("a", "/pets"), ("b", "/pets")]
    assert len({u.id for u in res.units}) == 2
