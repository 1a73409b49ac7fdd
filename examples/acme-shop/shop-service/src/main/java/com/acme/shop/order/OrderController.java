package com.acme.shop.order;

import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/orders")
public class OrderController {

    private final OrderService orderService;

    public OrderController(OrderService orderService) {
        this.orderService = orderService;
    }

    public record PlaceOrderRequest(long customerId, String currency, List<OrderService.LineRequest> lines) {
    }

    public record QuantityUpdate(int quantity) {
    }

    @GetMapping("/{id}")
    public Order getOrder(@PathVariable long id) {
        return orderService.getOrder(id);
    }

    @GetMapping
    public List<Order> ordersForCustomer(@RequestParam long customerId) {
        return orderService.ordersForCustomer(customerId);
    }

    @PostMapping
    public ResponseEntity<Order> placeOrder(@RequestBody PlaceOrderRequest request) {
        Order order = orderService.placeOrder(request.customerId(), request.lines(), request.currency());
        return ResponseEntity.created(URI.create("/api/orders/" + order.getId())).body(order);
    }

    @PutMapping("/{id}/lines/{sku}")
    public Order changeQuantity(@PathVariable long id, @PathVariable String sku, @RequestBody QuantityUpdate update) {
        return orderService.changeQuantity(id, sku, update.quantity());
    }

    @DeleteMapping("/{id}")
    public Order cancelOrder(@PathVariable long id, @RequestParam(defaultValue = "Cancelled by customer") String reason) {
        return orderService.cancelOrder(id, reason);
    }
}
