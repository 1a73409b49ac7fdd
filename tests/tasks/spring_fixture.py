"""A small Spring shop (Java and Kotlin), parsed once, for the Spring layer task tests."""

from __future__ import annotations

from minions.parsing import parse_files
from minions.records import SourceFile

ENTITY = """package com.shop.order;

@Entity
public class Order {
    @Id
    private Long id;
    private String customer;

    public Long getId() { return id; }
}
"""

REPO = """package com.shop.order;

public interface OrderRepository extends JpaRepository<Order, Long> {
    List<Order> findByCustomer(String customer);
}
"""

EMPTY_REPO = """package com.shop.order;

public interface ArchiveRepository extends JpaRepository<Order, Long> {
}
"""

DAO = """package com.shop.order;

@Repository
public class OrderDao {
    private final JdbcTemplate jdbc;

    public OrderDao(JdbcTemplate jdbc) { this.jdbc = jdbc; }

    public int count(Order order) {
        return jdbc.queryForObject("select count(*) from orders", Integer.class);
    }
}
"""

ORPHAN_REPO = """package com.shop.order;

public interface LogRepository extends CrudRepository<LogLine, Long> {
    List<LogLine> findByLevel(String level);
}
"""

SERVICE = """package com.shop.order;

@Service
public class OrderService {
    private final OrderRepository orders;

    public OrderService(OrderRepository orders) {
        this.orders = orders;
    }

    public List<Order> forCustomer(String customer) {
        return orders.findByCustomer(customer);
    }
}
"""

LONELY_SERVICE = """package com.shop.order;

@Service
public class ClockService {
    public long now() { return System.currentTimeMillis(); }
}
"""

SERVICE_API = """package com.shop.order;

public interface PricingService {
    long price(Order order);
}
"""

CONTROLLER = """package com.shop.order;

@RestController
@RequestMapping("/api/orders")
public class OrderController {
    private final OrderService service;

    public OrderController(OrderService service) {
        this.service = service;
    }

    @GetMapping
    public List<Order> byCustomer(@RequestParam String customer) {
        return service.forCustomer(customer);
    }
}
"""

PING = """package com.shop.order;

@RestController
public class PingController {
    @GetMapping("/ping")
    public String ping() { return "pong"; }
}
"""

KOTLIN_CONTROLLER = """package com.shop.order

@RestController
@RequestMapping("/api/archive")
class ArchiveController(private val archive: OrderDao) {
    @GetMapping("/count")
    fun count(): Int = archive.count(Order())
}
"""

WEB_TEST = """package com.shop.order;

@WebMvcTest(OrderController.class)
class OrderControllerTest {
    @Autowired
    private MockMvc mockMvc;

    @MockBean
    private OrderService service;

    @Test
    void byCustomer() throws Exception {
        mockMvc.perform(get("/api/orders").param("customer", "ann"))
            .andExpect(status().isOk());
    }
}
"""

UNIT_TEST = """package com.shop.order;

class PingControllerTest {
    @Test
    void ping() {
        assertEquals("pong", new PingController().ping());
    }
}
"""

FILES = {
    "src/main/java/com/shop/order/Order.java": ENTITY,
    "src/main/java/com/shop/order/OrderRepository.java": REPO,
    "src/main/java/com/shop/order/ArchiveRepository.java": EMPTY_REPO,
    "src/main/java/com/shop/order/OrderDao.java": DAO,
    "src/main/java/com/shop/order/LogRepository.java": ORPHAN_REPO,
    "src/main/java/com/shop/order/OrderService.java": SERVICE,
    "src/main/java/com/shop/order/ClockService.java": LONELY_SERVICE,
    "src/main/java/com/shop/order/PricingService.java": SERVICE_API,
    "src/main/java/com/shop/order/OrderController.java": CONTROLLER,
    "src/main/java/com/shop/order/PingController.java": PING,
    "src/main/kotlin/com/shop/order/ArchiveController.kt": KOTLIN_CONTROLLER,
    "src/test/java/com/shop/order/OrderControllerTest.java": WEB_TEST,
    "src/test/java/com/shop/order/PingControllerTest.java": UNIT_TEST,
}


def shop_units():
    files = [
        SourceFile.from_raw("shop", "c", path, text, "kotlin" if path.endswith(".kt") else "java")
        for path, text in FILES.items()
    ]
    return parse_files(files).units


def reasons(units, rejected):
    name = {u.id: u.name for u in units}
    return {name[r.id]: r.reason for r in rejected}
