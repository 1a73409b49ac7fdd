"""Class info (`CodeUnit.info`) and roles (`CodeUnit.role`): exact infos per language, roles per rule."""

import pytest

from minions.parsing import parse_files
from minions.parsing.classinfo import ROLES, module_role
from minions.records import SourceFile

LANGS = {".java": "java", ".kt": "kotlin", ".py": "python", ".ts": "typescript", ".go": "go"}


def _units(files: dict[str, str]):
    return parse_files(
        [
            SourceFile.from_raw("r", "c", p, t, next((v for k, v in LANGS.items() if p.endswith(k)), None))
            for p, t in files.items()
        ]
    ).units


def _classes(files: dict[str, str]) -> dict[str, tuple[str, str]]:
    """class name -> (info, role)."""
    return {u.name: (u.info, u.role) for u in _units(files) if u.kind == "class"}


# --- Java ------------------------------------------------------------------------------------------

POST_SERVICE = """package com.acme.blog;

import java.util.List;

@Service
public class PostService extends BaseService implements Auditable {
    private static final Logger LOG = LoggerFactory.getLogger(PostService.class);
    private final PostRepository postRepository;
    private final UserRepository userRepository;

    public PostService(PostRepository posts, UserRepository users, Clock clock) {
        this(posts, users);
    }

    @Autowired
    public PostService(PostRepository posts, UserRepository users) {
        this.postRepository = posts;
        this.userRepository = users;
    }

    public List<Post> findAll() {
        return postRepository.findAll();
    }

    public Post addNewPost(@Valid Post post) {
        check(post);
        return postRepository.save(post);
    }

    public void deletePost(long id) {
        postRepository.deleteById(id);
    }

    private void check(Post post) {
        if (post.getTitle() == null) throw new IllegalArgumentException();
    }
}
"""


def test_java_service_info_is_the_compact_form():
    info, role = _classes({"blog/src/main/java/com/acme/blog/PostService.java": POST_SERVICE})["PostService"]
    assert info == (
        "@Service class com.acme.blog.PostService(PostRepository, UserRepository) : BaseService, Auditable\n"
        "- fields: postRepository:PostRepository, userRepository:UserRepository\n"
        "- methods: findAll(): List<Post>, addNewPost(Post): Post, deletePost(long): void\n"
        "- private methods: check(Post): void"
    ), "the @Autowired constructor, not the longest; static fields left out; private methods apart"
    assert role == "service"


MYBATIS = """package com.shop.order;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderSql {
    @Select("select * from orders where id = #{id}")
    Order findById(long id);

    int insert(Order order);
}
"""

MAPSTRUCT = """package com.shop.order;

import org.mapstruct.Mapper;

@Mapper(componentModel = "spring")
public interface OrderAssembler {
    OrderDto toDto(Order order);

    List<OrderDto> toDtos(List<Order> orders);
}
"""


def test_mapper_annotation_is_told_apart_by_its_import():
    got = _classes({"src/main/java/OrderSql.java": MYBATIS, "src/main/java/OrderAssembler.java": MAPSTRUCT})
    assert got["OrderSql"] == (
        "@org.apache.ibatis.annotations.Mapper interface com.shop.order.OrderSql\n"
        "- methods: findById(long): Order, insert(Order): int",
        "mapper",
    )
    assert got["OrderAssembler"] == (
        "@org.mapstruct.Mapper interface com.shop.order.OrderAssembler\n"
        "- methods: toDto(Order): OrderDto, toDtos(List<Order>): List<OrderDto>",
        "mapper",
    )


RECORDS = """package com.shop;

public record Money(long cents, String currency) implements Comparable<Money> {
    public int compareTo(Money other) {
        return Long.compare(cents, other.cents);
    }
}

record OrderSummary(long id, List<String> items) {}
"""


def test_java_records_show_their_components():
    got = _classes({"src/main/java/com/shop/Money.java": RECORDS})
    assert got["Money"] == (
        "record com.shop.Money(long, String) : Comparable<Money>\n"
        "- fields: cents:long, currency:String\n"
        "- methods: compareTo(Money): int",
        "other",
    ), "a record with behaviour is no dto"
    assert got["OrderSummary"] == (
        "record com.shop.OrderSummary(long, List<String>)\n- fields: id:long, items:List<String>",
        "dto",
    ), "a record of fields alone is a dto"


LOMBOK = """package com.shop;

@Service
@RequiredArgsConstructor
public class InvoiceService {
    private final InvoiceRepository invoices;
    private final Clock clock;
    private int retries = 3;
    @NonNull private String region;

    public Invoice issue(long orderId) {
        return invoices.save(new Invoice(orderId, clock.instant()));
    }
}

@Entity
@Table(name = "orders")
@Getter
@Setter
@AllArgsConstructor
@NoArgsConstructor
class Order {
    @Id private Long id;
    private String status;
    private final String kind = "retail";
}

@Data
class Address {
    private String city;
    private String zip;
}
"""


def test_lombok_constructors():
    got = _classes({"src/main/java/com/shop/InvoiceService.java": LOMBOK})
    assert got["InvoiceService"] == (
        "@Service @RequiredArgsConstructor class com.shop.InvoiceService(InvoiceRepository, Clock, String)\n"
        "- fields: invoices:InvoiceRepository, clock:Clock, retries:int, region:String\n"
        "- methods: issue(long): Invoice",
        "service",
    ), "required args: the final fields and the @NonNull one, none initialised"
    assert got["Order"] == (
        '@Entity @Table(name = "orders") @Getter @Setter @AllArgsConstructor @NoArgsConstructor '
        "class com.shop.Order(Long, String)\n"
        "- fields: id:Long, status:String, kind:String",
        "entity",
    ), "all args but the initialised final field; the longest constructor"
    assert got["Address"] == (
        "@Data class com.shop.Address()\n- fields: city:String, zip:String",
        "dto",
    ), "@Data's required-args constructor, with no final field: no arguments"


ROLES_JAVA = {
    "src/main/java/com/shop/web/OrderController.java": """package com.shop.web;
@RestController
@RequestMapping("/api/orders")
public class OrderController {
    private final OrderService service;
    public OrderController(OrderService service) { this.service = service; }
    @GetMapping("/{id}")
    public Order get(@PathVariable long id) { return service.find(id); }
}
""",
    "src/main/java/com/shop/web/OrderApi.java": """package com.shop.web;
public interface OrderApi {
    @PostMapping("/orders")
    Order create(@RequestBody Order order);
}
""",
    "src/main/java/com/shop/OrderRepository.java": """package com.shop;
public interface OrderStore extends JpaRepository<Order, Long> {
    List<Order> findByStatus(String status);
}
""",
    "src/main/java/com/shop/Status.java": """package com.shop;
public enum Status {
    NEW, PAID("p");
    Status() {}
    Status(String code) {}
    public boolean isFinal() { return this == PAID; }
}
""",
    "src/main/java/com/shop/CreateOrderRequest.java": """package com.shop;
public class CreateOrderRequest {
    private String sku;
    private int qty;
}
""",
    "src/main/java/com/shop/Customer.java": """package com.shop;
public class Customer {
    private String name;
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
}
""",
    "src/main/java/com/shop/AppConfig.java": """package com.shop;
@Configuration
public class Beans {
    @Bean
    public Clock clock() { return Clock.systemUTC(); }
}
""",
    "src/main/java/com/shop/TestDataLoader.java": """package com.shop;
@Service
public class TestDataLoader {
    public void load() { }
}
""",
    "src/test/java/com/shop/OrderHelpers.java": """package com.shop;
public class OrderHelpers {
    public static Order order() { return new Order(); }
}
""",
    "src/main/java/com/shop/PriceCheckIT.java": """package com.shop;
class PriceCheckIT {
    void checks() { }
}
""",
    "src/main/java/com/shop/dto/OrderView.java": """package com.shop.dto;
public class OrderView extends Order {
}
""",
    "src/main/java/com/shop/Outer.java": """package com.shop;
public class Outer {
    public static class Inner {
        private int depth;
    }
}
""",
    "src/main/java/com/shop/Pricing.java": """package com.shop;
@Component
public class Pricing {
    public long price(long cents) { return cents; }
}
""",
}


def test_java_roles():
    got = _classes(ROLES_JAVA)
    roles = {name: role for name, (_, role) in got.items()}
    assert roles == {
        "OrderController": "controller",
        "OrderApi": "controller",  # declares the mappings a controller implements
        "OrderStore": "repository",  # by its JpaRepository supertype
        "Status": "other",
        "CreateOrderRequest": "dto",  # by name
        "Customer": "dto",  # a bean: fields, getters and setters
        "Beans": "configuration",
        "TestDataLoader": "service",  # @Service beats a test-like name outside test folders
        "OrderHelpers": "test",  # under src/test
        "PriceCheckIT": "test",  # by name
        "OrderView": "dto",  # by its package
        "Outer": "other",
        "Inner": "other",
        "Pricing": "other",  # a @Component alone says nothing more
    }
    assert got["Status"][0] == "enum com.shop.Status(String)\n- values: NEW, PAID\n- methods: isFinal(): boolean"
    assert got["Inner"][0] == "class com.shop.Outer.Inner\n- fields: depth:int", "nested classes are qualified"
    assert got["OrderController"][0].startswith(
        '@RestController @RequestMapping("/api/orders") class com.shop.web.OrderController(OrderService)\n'
    )
    assert set(roles.values()) <= set(ROLES)


def test_lists_are_cut_after_thirty_items():
    methods = "\n".join(f"    public int m{i}() {{ return {i}; }}" for i in range(35))
    info, _ = _classes({"src/main/java/Big.java": f"class Big {{\n{methods}\n}}\n"})["Big"]
    line = info.splitlines()[1]
    assert line.startswith("- methods: m0(): int, m1(): int,") and line.endswith("m29(): int, … (5 more)")


def test_long_annotations_and_types_are_shortened():
    src = """@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LongTest {
    private Map<String, Map<String, Map<String, Map<String, Map<String, Set<List<Instant>>>>>>> index;
    private Map<String,
        List<Long>> byName;
}
"""
    info, role = _classes({"src/test/java/LongTest.java": src})["LongTest"]
    assert info == (
        "@SpringBootTest(…) class LongTest\n"
        "- fields: index:Map<String, Map<String, Map<String, Map<String, Map<String, Set<List<Instant>>>…, "
        "byName:Map<String, List<Long>>"
    ), "an annotation over 40 characters loses its arguments, a type is cut after 80, one line each"
    assert role == "test"


# --- Kotlin ----------------------------------------------------------------------------------------

KOTLIN = """package com.shop.loyalty

import org.springframework.stereotype.Service

@Service
class LedgerService(private val repo: LedgerRepository, clock: Clock) : BaseService(), Auditable {
    val cache = mutableMapOf<Long, Int>()
    var limit: Int = 10
    val DEFAULT_NAME = "ledger"

    fun add(points: Int, vararg tags: String): Int {
        check()
        return repo.balance() + points
    }

    fun double(points: Int) = points * 2

    private fun check() {
        require(limit > 0)
    }

    companion object {
        fun create(): LedgerService = TODO()
    }
}

data class PointsSummary(val owner: String, val points: List<Int> = emptyList())

object Tiers : Pricing {
    const val VAT = 20

    fun gross(net: Long): Long = net * 2
}

enum class Tier(val min: Int) {
    GOLD(100),
    BASIC(0);

    fun next(): Tier? = null
}

interface EntryRepository : JpaRepository<Entry, Long> {
    fun findByOwner(owner: String): List<Entry>
}

@org.springframework.context.annotation.Configuration
class Beans {
    fun clock(): Clock = Clock.systemUTC()
}

sealed class Event
"""


def test_kotlin_infos():
    got = _classes({"src/main/kotlin/com/shop/loyalty/Ledger.kt": KOTLIN})
    assert got["LedgerService"] == (
        "@Service class com.shop.loyalty.LedgerService(LedgerRepository, Clock) : BaseService, Auditable\n"
        "- fields: repo:LedgerRepository, cache, limit:Int\n"
        "- methods: add(Int, vararg String): Int, double(Int), create(): LedgerService\n"
        "- private methods: check(): Unit",
        "service",
    ), "a val/var parameter is a field, a plain one is not; constants by name left out; companion functions listed"
    assert got["PointsSummary"] == (
        "data class com.shop.loyalty.PointsSummary(String, List<Int>)\n- fields: owner:String, points:List<Int>",
        "dto",
    ), "a data class of fields alone is a dto"
    assert got["Tiers"] == ("object com.shop.loyalty.Tiers : Pricing\n- methods: gross(Long): Long", "other")
    assert got["Tier"] == (
        "enum class com.shop.loyalty.Tier(Int)\n- fields: min:Int\n- values: GOLD, BASIC\n- methods: next(): Tier?",
        "other",
    )
    assert got["EntryRepository"] == (
        "interface com.shop.loyalty.EntryRepository : JpaRepository<Entry, Long>\n"
        "- methods: findByOwner(String): List<Entry>",
        "repository",
    )
    assert got["Beans"][1] == "configuration", "a qualified annotation is read by its last name"
    assert got["Event"] == ("sealed class com.shop.loyalty.Event", "other")


def test_kotlin_test_class_by_annotation_and_folder():
    src = """package com.shop

@WebMvcTest(OrderController::class)
class OrderChecks {
    @Test
    fun `finds an order`() {
        assertEquals(1, 1)
    }
}
"""
    got = _classes({"src/main/kotlin/com/shop/OrderChecks.kt": src})
    assert got["OrderChecks"] == (
        "@WebMvcTest(OrderController::class) class com.shop.OrderChecks\n- methods: `finds an order`(): Unit",
        "test",
    )


# --- Python ----------------------------------------------------------------------------------------

PY_MODELS = '''from pydantic import BaseModel
from sqlalchemy import Column, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlmodel import Field, SQLModel


class ItemCreate(BaseModel):
    """What a client sends."""

    title: str
    price: float = 0
    model_config = ConfigDict(extra="forbid")

    def label(self) -> str:
        return self.title


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name = Column(String)


class ItemBase(SQLModel):
    title: str


class Item(ItemBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ItemPublic(ItemBase):
    id: int
'''


def test_python_pydantic_sqlalchemy_and_sqlmodel():
    got = _classes({"backend/pyproject.toml": "", "backend/app/models.py": PY_MODELS})
    assert got["ItemCreate"] == (
        "class app.models.ItemCreate : BaseModel\n"
        "- fields: title:str, price:float, model_config:ConfigDict\n"
        "- methods: label(): str",
        "dto",
    ), "the module path starts below the build module"
    assert got["User"] == ("class app.models.User : Base\n- fields: id:Mapped[int], name:Column", "entity")
    assert got["Base"][1] == "entity"
    assert got["ItemBase"][1] == "dto"
    assert got["Item"] == ("class app.models.Item : ItemBase\n- fields: id:int | None", "entity"), "table=True"
    assert got["ItemPublic"][1] == "dto", "a base class of the same file lends its role"


PY_SERVICE = """from dataclasses import dataclass
from enum import Enum


class OrderService:
    RETRIES = 3

    def __init__(self, repo: OrderRepo, retries=3, *args, **kwargs):
        self.repo = repo
        self.retries = retries
        self._cache: dict[int, str] = {}

    async def place(self, order_id: int, *, notify: bool = True) -> Order:
        return await self.repo.save(order_id)

    def _check(self, order):
        return order is not None

    @staticmethod
    def key(order_id: int) -> str:
        return str(order_id)

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = "EUR"


class Color(str, Enum):
    RED = "red"
    GREEN = "green"


class Settings(BaseSettings):
    database_url: str
"""


def test_python_service_dataclass_enum_settings():
    got = _classes({"src/shop/services.py": PY_SERVICE})
    assert got["OrderService"] == (
        "class shop.services.OrderService(repo:OrderRepo, retries, *args, **kwargs)\n"
        "- fields: repo:OrderRepo, retries, _cache:dict[int, str]\n"
        "- methods: place(order_id:int, notify:bool): Order, key(order_id:int): str, __len__(): int\n"
        "- private methods: _check(order)",
        "service",
    ), "`src/` dropped; a field set from an annotated parameter takes its type; constants left out"
    assert got["Money"] == (
        "@dataclass(frozen=True) class shop.services.Money(cents:int, currency:str)\n- fields: cents:int, currency:str",
        "dto",
    )
    assert got["Color"] == ("class shop.services.Color : str, Enum\n- values: RED, GREEN", "other")
    assert got["Settings"] == (
        "class shop.services.Settings : BaseSettings\n- fields: database_url:str",
        "configuration",
    )


def test_python_controllers_and_tests():
    views = """from flask.views import MethodView


class OrderView(MethodView):
    def get(self, order_id):
        return {}


class Orders:
    @router.get("/orders")
    def list(self):
        return []
"""
    tests = """class TestOrders:
    def test_places(self):
        assert True
"""
    got = _classes({"app/web.py": views, "tests/test_orders.py": tests})
    assert got["OrderView"][1] == "controller" and got["Orders"][1] == "controller"
    assert got["TestOrders"] == ("class tests.test_orders.TestOrders\n- methods: test_places()", "test")


# --- TypeScript ------------------------------------------------------------------------------------

NEST = """import { Controller, Get, Injectable } from '@nestjs/common';

@Controller('orders')
export class OrdersController {
  constructor(private readonly service: OrdersService, logger?: Logger) {}

  @Get(':id')
  find(@Param('id') id: string): Promise<Order> {
    return this.service.find(id);
  }

  private log(message: string) {}
}

@Injectable()
export class OrdersService {
  private cache = new Map<string, Order>();
  static instances = 0;

  async find(id: string, ...tags: string[]): Promise<Order> {
    return this.cache.get(id);
  }
}

@Entity()
export class OrderEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column() status: string;
}

export class CreateOrder {
  @IsString() sku: string;
  qty?: number;
}

export interface Order extends Base<string> {
  id: number;
  items?: string[];
  total(): number;
}
"""


def test_typescript_infos_and_roles():
    got = _classes({"src/orders/orders.ts": NEST})
    assert got["OrdersController"] == (
        "@Controller('orders') class OrdersController(OrdersService, Logger?)\n"
        "- fields: service:OrdersService\n"
        "- methods: find(string): Promise<Order>\n"
        "- private methods: log(string)",
        "controller",
    )
    assert got["OrdersService"] == (
        "@Injectable() class OrdersService\n- fields: cache\n- methods: find(string, ...string[]): Promise<Order>",
        "service",
    ), "static fields left out"
    assert got["OrderEntity"] == ("@Entity() class OrderEntity\n- fields: id:number, status:string", "entity")
    assert got["CreateOrder"][1] == "dto", "class-validator decorators on its fields"
    assert got["Order"] == (
        "interface Order : Base<string>\n- fields: id:number, items?:string[]\n- methods: total(): number",
        "other",
    )


# --- Go --------------------------------------------------------------------------------------------

GO = """package shop

type Order struct {
	gorm.Model
	Status string `gorm:"index"`
	Items  []Item
}

type CreateOrder struct {
	Item struct {
		SKU string `json:"sku" binding:"required"`
	} `json:"item"`
	Qty int `json:"qty"`
}

func (c *CreateOrder) Bind(ctx *gin.Context) error { return ctx.ShouldBind(c) }

type OrderService struct {
	repo Repo
	log  *zap.Logger
}

func NewOrderService(repo Repo, log *zap.Logger, names ...string) *OrderService {
	return &OrderService{repo: repo, log: log}
}

func (s *OrderService) Place(ctx context.Context, id int64) (*Order, error) { return s.check(nil), nil }

func (s *OrderService) check(o *Order) error { return nil }

type Orders struct {
	svc *OrderService
}

func (h *Orders) Get(c *gin.Context)  {}
func (h *Orders) List(c *gin.Context) {}

type Repo interface {
	io.Closer
	Find(id int64) (*Order, error)
}
"""


def test_go_infos_and_roles():
    got = _classes({"shop/orders.go": GO})
    assert got["Order"] == ("struct shop.Order : gorm.Model\n- fields: Status:string, Items:[]Item", "entity")
    assert got["CreateOrder"] == (
        "struct shop.CreateOrder\n- fields: Item:struct{…}, Qty:int\n- methods: Bind(*gin.Context): error",
        "dto",
    ), "a nested struct stays one field; its binding tags make a dto, its one Bind no controller"
    assert got["OrderService"] == (
        "struct shop.OrderService(Repo, *zap.Logger, ...string)\n"
        "- fields: repo:Repo, log:*zap.Logger\n"
        "- methods: Place(context.Context, int64): (*Order, error)\n"
        "- private methods: check(*Order): error",
        "service",
    ), "the NewOrderService function is its constructor"
    assert got["Orders"][1] == "controller", "two gin handler methods"
    assert got["Repo"] == ("interface shop.Repo : io.Closer\n- methods: Find(int64): (*Order, error)", "repository")


# --- members, modules ------------------------------------------------------------------------------


def test_members_carry_their_class_role():
    units = _units(
        {
            "src/main/java/com/shop/web/OrderController.java": ROLES_JAVA[
                "src/main/java/com/shop/web/OrderController.java"
            ],
            "app/routes.py": 'router = APIRouter()\n\n\n@router.get("/items")\ndef items():\n    return []\n',
            "app/crud.py": "def create_item(session, item):\n    session.add(item)\n",
            "tests/test_items.py": "def test_items(client):\n    assert client.get('/items').status_code == 200\n",
        }
    )
    got = {(u.kind, u.name): u.role for u in units}
    assert got[("method", "get")] == "controller" and got[("endpoint", "get")] == "controller"
    assert got[("class", "OrderController")] == "controller"
    assert got[("method", "items")] == "controller", "a module that maps endpoints"
    assert got[("method", "create_item")] == "repository", "crud.py by its name"
    assert got[("test", "test_items")] == "test"
    assert all(u.info == "" for u in units if u.kind != "class"), "the info lives on class units only"


@pytest.mark.parametrize(
    ("path", "endpoints", "role"),
    [
        ("src/orders/orders.service.ts", False, "service"),
        ("src/orders/orders.controller.ts", False, "controller"),
        ("app/utils.py", False, "other"),
        ("app/utils.py", True, "controller"),
        ("pkg/orders/orders_test.go", False, "test"),
        ("web/orders.spec.ts", False, "test"),
    ],
)
def test_module_roles(path, endpoints, role):
    assert module_role(path, endpoints) == role


# --- regressions found on public repositories (own fixtures) ---------------------------------------


def test_shape_and_name_rules_keep_to_their_kind():
    got = _classes(
        {
            "src/main/java/com/shop/CodeEnum.java": """package com.shop;
@Getter
@AllArgsConstructor
public enum CodeEnum {
    A("a");
    private final String code;
}
""",
            "src/main/java/com/shop/OrderSpec.java": """package com.shop;
public class OrderSpec implements Specification<Order> {
    public Predicate toPredicate(Root<Order> root) { return null; }
}
""",
            "src/main/java/com/shop/TODO.java": "package com.shop;\npublic class TODO { private String note; }\n",
            "src/main/java/com/shop/UserDO.java": "package com.shop;\npublic class UserDO { private Long id; }\n",
            "src/main/java/com/shop/dto/OrderDetail.java": """package com.shop.dto;
@Getter
@Setter
public class OrderDetail extends Order {
    private List<Item> items;
}
""",
            "src/main/java/com/shop/RsaProperties.java": """package com.shop;
@Component
public class RsaProperties {
    public static String privateKey;
}
""",
        }
    )
    roles = {name: role for name, (_, role) in got.items()}
    assert roles == {
        "CodeEnum": "other",  # an enum is never a dto by its shape
        "OrderSpec": "other",  # `*Spec` is a test only by a Kotest or Spock base
        "TODO": "other",  # `DO` after a capital is no suffix
        "UserDO": "entity",
        "OrderDetail": "dto",  # Lombok @Getter/@Setter with fields only
        "RsaProperties": "configuration",
    }


def test_kotest_spec_and_python_names_starting_with_test():
    got = _classes(
        {
            "src/main/kotlin/com/shop/OrderSpec.kt": "package com.shop\n\nclass OrderSpec : FunSpec({ })\n",
            "app/models.py": "class Testimonial(models.Model):\n    text = models.TextField()\n",
        }
    )
    assert got["OrderSpec"][1] == "test"
    assert got["Testimonial"] == ("class app.models.Testimonial : models.Model\n- fields: text:TextField", "entity")


def test_go_handlers_need_more_than_one_context_method():
    src = """package web

type LoginValidator struct {
	User struct {
		Email string `json:"email" binding:"required"`
	} `json:"user"`
}

func (v *LoginValidator) Bind(c *gin.Context) error { return nil }

type Health struct{}

func (h Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {}
"""
    got = _classes({"web/login.go": src})
    assert got["LoginValidator"] == (
        "struct web.LoginValidator\n- fields: User:struct{…}\n- methods: Bind(*gin.Context): error",
        "dto",
    ), "binding tags (in a nested struct) and one Bind method: a dto, no controller"
    assert got["Health"] == (
        "struct web.Health\n- methods: ServeHTTP(http.ResponseWriter, *http.Request)",
        "controller",
    )


def test_python_forward_references_and_module_paths():
    src = 'class Order:\n    items: "list[Item]"\n\n    def total(self) -> "Money":\n        return Money()\n'
    got = _classes({"shop/orders.py": src})
    assert got["Order"][0] == "class shop.orders.Order\n- fields: items:list[Item]\n- methods: total(): Money"


def test_an_exception_is_no_dto_whatever_its_shape():
    """A field and its getter make a bean a dto, but an exception class is `other` (acme-shop's
    BusinessRuleException); Kotlin's too."""
    got = _classes(
        {
            "src/main/java/com/shop/RuleException.java": """package com.shop;
public class RuleException extends RuntimeException {
    private final String code;
    public RuleException(String code) { super(code); this.code = code; }
    public String getCode() { return code; }
}
""",
            "src/main/java/com/shop/Fault.java": """package com.shop;
public class Fault extends Error {
    private final int status;
    public int getStatus() { return status; }
}
""",
            "src/main/kotlin/com/shop/Short.kt": "package com.shop\n\n"
            'class ShortException(val missing: Long) : IllegalStateException("short")\n',
            "src/main/java/com/shop/Code.java": """package com.shop;
public class Code {
    private final String code;
    public String getCode() { return code; }
}
""",
        }
    )
    roles = {name: role for name, (_, role) in got.items()}
    assert roles == {"RuleException": "other", "Fault": "other", "ShortException": "other", "Code": "dto"}


def test_a_python_dataclass_with_a_property_is_still_a_dto():
    """A `@property` is an accessor (acme-shop's ValidationReport.ok), as a JVM getter is; another method is not."""
    got = _classes(
        {
            "app/reports.py": """from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @cached_property
    def count(self) -> int:
        return len(self.errors)


@dataclass
class Batch:
    rows: list[str]

    def add(self, row: str) -> None:
        self.rows.append(row)
"""
        }
    )
    assert {name: role for name, (_, role) in got.items()} == {"Report": "dto", "Batch": "other"}
