"""Prefixes given in another file: FastAPI include_router, Flask register_blueprint, Nest setGlobalPrefix."""

from __future__ import annotations

from minions.parsing import parse_files
from minions.records import SourceFile

MAIN = """\
from fastapi import FastAPI
from .api import main as api
from .internal.admin import router as admin_router
from app.core.config import settings

app = FastAPI()
app.include_router(api.api_router, prefix="/api")
app.include_router(admin_router, prefix="/admin", tags=["admin"])
app.include_router(api.api_router, prefix=settings.API_V1_STR)
"""
API_MAIN = """\
from fastapi import APIRouter
from app.api.routes import items
from . import users

api_router = APIRouter()
api_router.include_router(items.router, prefix="/items")
api_router.include_router(users.router)
"""
ITEMS = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/{item_id}")
def read_item(item_id: int):
    return {"id": item_id}
"""
USERS = """\
from fastapi import APIRouter

router = APIRouter(prefix="/users")


@router.get("/me")
def read_me():
    return {}
"""
ADMIN = """\
from fastapi import APIRouter

router = APIRouter()


@router.post("/")
def update_admin():
    return {}
"""
TEST = """\
def test_admins_can_post(client):
    r = client.post("/admin/")
    assert r.status_code == 200
"""
FLASK = """\
from flask import Flask
from shop.views import bp

app = Flask(__name__)
app.register_blueprint(bp, url_prefix="/shop")
"""
VIEWS = """\
from flask import Blueprint

bp = Blueprint("shop", __name__)


@bp.route("/cart")
def cart():
    return "cart"
"""
NEST_MAIN = """\
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(3000);
}
"""
NEST_CONTROLLER = """\
@Controller('cats')
export class CatsController {
  @Get(':id')
  findOne(@Param('id') id: string) {
    return this.cats.get(id);
  }
}
"""


def _endpoints(files):
    units = parse_files([SourceFile.from_raw("r", "c", p, t, lang) for p, t, lang in files]).units
    return units, {(u.path, u.http["path"]) for u in units if u.kind == "endpoint"}


def test_fastapi_prefixes_follow_the_include_chain_and_tests_pair_by_the_full_path():
    units, eps = _endpoints(
        [
            ("app/main.py", MAIN, "python"),
            ("app/api/main.py", API_MAIN, "python"),
            ("app/api/routes/items.py", ITEMS, "python"),
            ("app/api/users.py", USERS, "python"),
            ("app/internal/admin.py", ADMIN, "python"),
            ("tests/test_admin.py", TEST, "python"),
        ]
    )
    assert eps == {
        ("app/api/routes/items.py", "/api/items/{item_id}"),  # /api (main) + /items (api/main) + the route
        ("app/api/users.py", "/api/users/me"),  # the router's own prefix stays
        ("app/internal/admin.py", "/admin"),
    }
    (test,) = [u for u in units if u.kind == "test"]
    admin = next(u for u in units if u.kind == "endpoint" and u.path == "app/internal/admin.py")
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(admin.id, "http")]


def test_flask_blueprints_and_the_nest_global_prefix():
    _, eps = _endpoints(
        [
            ("shop/app.py", FLASK, "python"),
            ("shop/views.py", VIEWS, "python"),
            ("web/package.json", "{}", "json"),
            ("web/src/main.ts", NEST_MAIN, "typescript"),
            ("web/src/cats.controller.ts", NEST_CONTROLLER, "typescript"),
            ("other/package.json", "{}", "json"),
            ("other/src/dogs.controller.ts", NEST_CONTROLLER.replace("cats", "dogs"), "typescript"),
        ]
    )
    assert eps == {
        ("shop/views.py", "/shop/cart"),
        ("web/src/cats.controller.ts", "/api/cats/{id}"),
        ("other/src/dogs.controller.ts", "/dogs/{id}"),  # another module: its own bootstrap, no prefix
    }


ARTICLES = """\
import { Router } from "express";
const router = Router();
router.get("/articles/:slug", getArticle);
export default router;
"""
TAGS = """\
const express = require("express");
const router = express.Router();
router.get("/tags", listTags);
module.exports = router;
"""
ROUTES = """\
import { Router } from "express";
import articles from "./article/article.controller";
const tags = require("./tag/tag.controller");

const api = Router().use(articles).use("/meta", tags);

export default Router().use("/api", api);
"""
APP = """\
import express from "express";
import routes from "./app/routes/routes";

const app = express();
app.use("/v1", routes);
"""


def test_express_routers_mounted_in_other_files_take_the_whole_prefix():
    _, eps = _endpoints(
        [
            ("src/main.ts", APP, "typescript"),
            ("src/app/routes/routes.ts", ROUTES, "typescript"),
            ("src/app/routes/article/article.controller.ts", ARTICLES, "typescript"),
            ("src/app/routes/tag/tag.controller.ts", TAGS, "typescript"),
        ]
    )
    assert eps == {
        ("src/app/routes/article/article.controller.ts", "/v1/api/articles/{slug}"),
        ("src/app/routes/tag/tag.controller.ts", "/v1/api/meta/tags"),
    }


GO_MAIN = """\
package main

import (
	"github.com/gin-gonic/gin"
	shopusers "example.com/shop/internal/users"
)

func main() {
	r := gin.Default()
	v1 := r.Group("/api")
	shopusers.Register(v1.Group("/users"))
	r.Run()
}
"""
GO_USERS = """\
package users

import "github.com/gin-gonic/gin"

func Register(router *gin.RouterGroup) {
	router.GET("/:id", get)
	router.POST("", create)
}

func Health(r *gin.Engine) {
	r.GET("/health", health)
}
"""


def test_a_go_group_passed_to_another_package_gives_its_routes_the_prefix():
    _, eps = _endpoints(
        [
            ("go.mod", "module example.com/shop\n\ngo 1.22\n", "text"),
            ("cmd/main.go", GO_MAIN, "go"),
            ("internal/users/routes.go", GO_USERS, "go"),
        ]
    )
    assert eps == {
        ("internal/users/routes.go", "/api/users/{id}"),
        ("internal/users/routes.go", "/api/users"),
        ("internal/users/routes.go", "/health"),  # a function nobody mounts: as written
    }


def test_review_cases_of_python_mounts():
    """Review findings: the including router's own prefix was left out; Flask's url_prefix option was
    added before the blueprint's own instead of replacing it; a package's `__init__.py`, `import a.b`
    without alias and imports inside an app factory were not resolved."""
    api = (
        "from fastapi import APIRouter\nfrom app.routes import items\n\n"
        'api_router = APIRouter(prefix="/api")\napi_router.include_router(items.router, prefix="/items")\n'
    )
    items = (
        'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/{i}")\ndef get(i: int):\n'
        "    return i\n"
    )
    main = (
        "from fastapi import FastAPI\nfrom app.api import api_router\n\napp = FastAPI()\n"
        "app.include_router(api_router)\n"
    )
    auth = (
        'from flask import Blueprint\n\nbp = Blueprint("auth", __name__, url_prefix="/auth")\n\n\n'
        '@bp.route("/login")\ndef login():\n    return ""\n'
    )
    factory = (
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n    import web.views.shop\n"
        "    from web import auth\n"
        '    app.register_blueprint(auth.bp, url_prefix="/api")\n'
        '    app.register_blueprint(web.views.shop.bp, url_prefix="/shop")\n    return app\n'
    )
    shop = (
        'from flask import Blueprint\n\nbp = Blueprint("shop", __name__)\n\n\n@bp.route("/cart")\n'
        'def cart():\n    return ""\n'
    )
    _, eps = _endpoints(
        [
            ("app/main.py", main, "python"),
            ("app/api/__init__.py", api, "python"),
            ("app/routes/items.py", items, "python"),
            ("web/app.py", factory, "python"),
            ("web/auth.py", auth, "python"),
            ("web/views/shop.py", shop, "python"),
        ]
    )
    assert eps == {
        ("app/routes/items.py", "/api/items/{i}"),
        ("web/auth.py", "/api/login"),  # Flask serves the option's prefix, not /api/auth/login
        ("web/views/shop.py", "/shop/cart"),
    }


def test_review_cases_of_express_go_and_nest_mounts():
    """Review findings: middleware imported before the router took the mount; `require` in place was
    missed; a commented-out or computed global prefix counted; the Go root module was not seen."""
    app = (
        'import express from "express";\nimport auth from "./auth";\nimport users from "./users";\n'
        'const app = express();\napp.use("/api", auth, users);\napp.use("/v1", require("./orders"));\n'
    )
    auth = (
        'import { Router } from "express";\nconst router = Router();\nrouter.post("/login", login);\n'
        "export default router;\n"
    )
    users = (
        'import { Router } from "express";\nconst router = Router();\nrouter.get("/me", me);\nexport default router;\n'
    )
    orders = 'const router = require("express").Router();\nrouter.get("/orders", list);\nmodule.exports = router;\n'
    nest_main = "// app.setGlobalPrefix('old');\napp.setGlobalPrefix(`api/${version}`);\n"
    go_main = (
        'package main\n\nimport "example.com/app"\n\nfunc main() {\n\tr := gin.Default()\n'
        '\tapp.Register(r.Group("/users"))\n}\n'
    )
    go_app = 'package app\n\nfunc Register(g *gin.RouterGroup) {\n\tg.GET("/me", me)\n}\n'
    _, eps = _endpoints(
        [
            ("web/app.ts", app, "typescript"),
            ("web/auth.ts", auth, "typescript"),
            ("web/users.ts", users, "typescript"),
            ("web/orders.js", orders, "typescript"),
            ("nest/package.json", "{}", "json"),
            ("nest/src/main.ts", nest_main, "typescript"),
            ("nest/src/cats.controller.ts", NEST_CONTROLLER, "typescript"),
            ("go.mod", "module example.com/app\n", None),
            ("cmd/main.go", go_main, "go"),
            ("register.go", go_app, "go"),
        ]
    )
    assert eps == {
        ("web/auth.ts", "/login"),  # middleware, not the mounted router
        ("web/users.ts", "/api/me"),
        ("web/orders.js", "/v1/orders"),
        ("nest/src/cats.controller.ts", "/cats/{id}"),  # no literal, live global prefix
        ("register.go", "/users/me"),
    }


def test_a_go_package_is_bound_by_its_package_clause():
    """Review finding: `import "example.com/shop/users/v2"` is package users, called as `users.Register`."""
    main = (
        'package main\n\nimport "example.com/shop/users/v2"\n\nfunc main() {\n\tr := gin.Default()\n'
        '\tusers.Register(r.Group("/users"))\n}\n'
    )
    users = 'package users\n\nfunc Register(g *gin.RouterGroup) {\n\tg.GET("/me", me)\n}\n'
    _, eps = _endpoints(
        [("go.mod", "module example.com/shop\n", None), ("main.go", main, "go"), ("users/v2/routes.go", users, "go")]
    )
    assert eps == {("users/v2/routes.go", "/users/me")}
