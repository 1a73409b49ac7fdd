from helpers import ROOT
from minions.parsing import parse_files
from minions.records import Rejection, SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks

GOOD = """package com.blog;

/**
 * Blog posts: readers list and read them, authors publish and retract them.
 * @author someone
 */
@RestController
@RequestMapping("/api/v1/posts")
public class PostController {
    private final PostService posts;

    public PostController(PostService posts) {
        this.posts = posts;
    }

    @GetMapping
    public List<PostDto> list(@RequestParam int page) {
        return posts.page(page);
    }

    @GetMapping("/{postId}")
    public PostDto get(@PathVariable long postId) {
        return posts.get(postId);
    }

    @PostMapping
    public ResponseEntity<PostDto> create(@RequestBody NewPost body) {
        return ResponseEntity.ok(posts.create(body));
    }

    @DeleteMapping("/{postId}")
    public void delete(@PathVariable long postId) {
        posts.delete(postId);
    }
}
"""

BAD = """package com.blog;

@RestController
public class LegacyController {
    @PostMapping("/createPost")
    public Post createPost(@RequestBody Post post) { return post; }

    @PostMapping("/update/{id}")
    public Post update(@PathVariable long id, @RequestBody Post post) { return post; }

    @GetMapping("/delete/batch")
    public void deleteBatch(@RequestParam List<Long> ids) { }

    @GetMapping("/posts/{id}")
    public Post one(@PathVariable long id) { return null; }
}
"""

VIEWS = """package com.blog;

@Controller
class PageController {
    @GetMapping("/pages")
    public String pages() { return "pages/list"; }
}

@RestControllerAdvice
class Errors {
    @ExceptionHandler(IllegalStateException.class)
    public String handle(IllegalStateException e) { return "x"; }
}
"""

KOTLIN = """package com.blog

@RestController
@RequestMapping("/api/comments")
class CommentController(private val comments: CommentService) {
    @GetMapping("/{id}")
    fun one(@PathVariable id: Long): Comment = comments.get(id)
}
"""

TABLE = """| verb | path | request | response |
|---|---|---|---|
| GET | /api/v1/posts | page: int (query) | List<PostDto> |
| GET | /api/v1/posts/{postId} | postId: long (path) | PostDto |
| POST | /api/v1/posts | NewPost (body) | ResponseEntity<PostDto> |
| DELETE | /api/v1/posts/{postId} | postId: long (path) | void |"""


def build(options=TaskOptions()):
    files = [
        SourceFile.from_raw("blog", "c", "src/main/java/com/blog/PostController.java", GOOD, "java"),
        SourceFile.from_raw("blog", "c", "src/main/java/com/blog/LegacyController.java", BAD, "java"),
        SourceFile.from_raw("blog", "c", "src/main/java/com/blog/PageController.java", VIEWS, "java"),
        SourceFile.from_raw("blog", "c", "src/main/kotlin/com/blog/CommentController.kt", KOTLIN, "kotlin"),
    ]
    units = parse_files(files).units
    return units, *run_tasks(units, ["design-restful-api"], options)


def test_restful_controller_gives_its_endpoint_table():
    units, records, _ = build()
    r = next(r for r in records if r.focal_class == "PostController")
    assert r.output == TABLE
    assert r.input.startswith(
        "Feature:\nBlog posts: readers list and read them, authors publish and retract them.\nController:\n```\n"
        '@RestController @RequestMapping("/api/v1/posts") class com.blog.PostController(PostService)\n'
    )
    assert "@author" not in r.input and "/api/v1/posts/{postId}" not in r.input
    cls = next(u for u in units if u.kind == "class" and u.name == "PostController")
    assert r.unit_ids[0] == cls.id and len(r.unit_ids) == 5 and r.lang == "java"
    assert r.template_id.startswith("design-restful-api/en/") and "`PostController`" in r.instruction


def test_kotlin_controller_without_doc_gives_info_alone():
    _, records, _ = build(TaskOptions(zh_ratio=1.0))
    r = next(r for r in records if r.focal_class == "CommentController")
    assert r.input.startswith("Controller:\n```\n@RestController") and r.lang == "kotlin"
    assert r.output.endswith("| GET | /api/comments/{id} | id: Long (path) | Comment |")
    assert r.instruction_lang == "zh" and r.template_id.startswith("design-restful-api/zh/")


def test_rpc_style_views_and_advices_are_refused_with_the_rule():
    units, records, rejected = build()
    assert {r.focal_class for r in records} == {"PostController", "CommentController"}
    name = {u.id: u.name for u in units}
    reasons = {name[r.id]: r.reason for r in rejected}
    assert reasons == {
        "LegacyController": "REST rule verb-in-path: 3 of 4 endpoints; REST rule get-changes-state: 1 of 4 endpoints; "
        "REST rule kebab-case: 1 of 4 endpoints",
        "PageController": "serves HTML views, not a REST API: 1 of 1 endpoints",
        "Errors": "controller without endpoints",
    }
    assert all(isinstance(r, Rejection) and r.stage == "tasks" and "createPost" not in r.reason for r in rejected)


def test_deterministic():
    a = [r.model_dump() for r in build()[1]]
    assert a == [r.model_dump() for r in build()[1]] and len({r["id"] for r in a}) == len(a)


def test_acme_shop():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, rejected = run_tasks(parse_files(files).units, ["design-restful-api"], TaskOptions())
    assert len(records) >= 5 and all(r.output.startswith("| verb | path | request | response |") for r in records)
    assert all(r.reason.startswith("REST rule ") for r in rejected)


def test_a_route_written_twice_is_one_row():
    """Review finding: two handlers of one route (JSON and XML) gave the same row twice."""
    from minions.tasks.spring_layers import endpoint_table

    src = """package shop;

@RestController
@RequestMapping("/users")
public class UserController {
    @GetMapping(produces = "application/json")
    public List<User> json() { return List.of(); }

    @GetMapping(produces = "application/xml")
    public List<User> xml() { return List.of(); }
}
"""
    units = parse_files([SourceFile.from_raw("r", "c", "src/main/java/shop/UserController.java", src, "java")]).units
    table = endpoint_table([u for u in units if u.kind == "endpoint"])
    assert table.splitlines()[2:] == ["| GET | /users | - | List<User> |"]
