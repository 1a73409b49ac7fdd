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
