package com.acme.shop.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.acme.shop.catalog.Product;
import com.acme.shop.catalog.ProductRepository;
import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import com.acme.shop.payment.PaymentService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderServiceTest {

    private static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");

    private OrderRepository orderRepository;
    private ProductRepository productRepository;
    private PaymentService paymentService;
    private OrderService orderService;

    @BeforeEach
    void setUp() {
        orderRepository = mock(OrderRepository.class);
        productRepository = mock(ProductRepository.class);
        paymentService = mock(PaymentService.class);
        when(orderRepository.save(any(Order.class))).thenAnswer(invocation -> invocation.getArgument(0));
        orderService = new OrderService(orderRepository, productRepository, paymentService,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Order storedOrder(long id, OrderStatus... path) {
        Order order = new Order(1042L, "USD");
        order.setId(id);
        order.setPlacedAt(NOW);
        order.addLine(new OrderLine("TOY-123456-1", "Robot", Money.ofCents(2_000, "USD"), 2));
        for (OrderStatus status : path) {
            order.transitionTo(status);
        }
        when(orderRepository.findById(id)).thenReturn(Optional.of(order));
        return order;
    }

    @Test
    void placeOrder_rejectsEmptyOrder() {
        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> orderService.placeOrder(1042L, List.of(), "USD"));

        assertEquals("EMPTY_ORDER", ex.getCode());
    }

    @Test
    void placeOrder_mergesDuplicateSkusAndAppliesVolumeDiscount() {
        Product robot = new Product("TOY-123456-1", "Robot", "toys", Money.ofCents(250, "USD"));
        when(productRepository.findBySku("TOY-123456-1")).thenReturn(Optional.of(robot));

        Order order = orderService.placeOrder(1042L, List.of(
                new OrderService.LineRequest("TOY-123456-1", 4),
                new OrderService.LineRequest("TOY-123456-1", 6)), "USD");

        assertEquals(1, order.getLines().size());
        assertEquals(10, order.itemCount());
        assertEquals(Money.ofCents(2_375, "USD"), order.getTotal());
        assertEquals(NOW, order.getPlacedAt());
    }

    @Test
    void placeOrder_rejectsQuantityAboveLimit() {
        assertThrows(BusinessRuleException.class, () -> orderService.placeOrder(1042L,
                List.of(new OrderService.LineRequest("TOY-123456-1", 100)), "USD"));
    }

    @Test
    void placeOrder_failsForInactiveProduct() {
        Product retired = new Product("TOY-000042-6", "Kite", "toys", Money.ofCents(900, "USD"));
        retired.setActive(false);
        when(productRepository.findBySku("TOY-000042-6")).thenReturn(Optional.of(retired));

        assertThrows(NotFoundException.class, () -> orderService.placeOrder(1042L,
                List.of(new OrderService.LineRequest("TOY-000042-6", 1)), "USD"));
    }

    @Test
    void cancelOrder_refundsPaidOrder() {
        Order order = storedOrder(7L, OrderStatus.PAID);

        Order cancelled = orderService.cancelOrder(7L, "  Changed my mind ");

        verify(paymentService).refundOrder(7L, Money.ofCents(4_000, "USD"));
        assertEquals(OrderStatus.CANCELLED, cancelled.getStatus());
        assertEquals("Changed my mind", order.getCancellationReason());
    }

    @Test
    void cancelOrder_unpaidOrderIsNotRefunded() {
        storedOrder(8L);

        orderService.cancelOrder(8L, "Duplicate order");

        verify(paymentService, never()).refundOrder(anyLong(), any());
    }

    @Test
    void cancelOrder_requiresReason() {
        storedOrder(9L);

        assertThrows(BusinessRuleException.class, () -> orderService.cancelOrder(9L, " "));
    }

    @Test
    void cancelOrder_shippedOrderCannotBeCancelled() {
        storedOrder(10L, OrderStatus.PAID, OrderStatus.SHIPPED);

        assertThrows(InvalidStateTransitionException.class, () -> orderService.cancelOrder(10L, "Too slow"));
    }

    @Test
    void markShipped_rejectsMalformedTrackingNumber() {
        storedOrder(11L, OrderStatus.PAID);

        assertThrows(BusinessRuleException.class, () -> orderService.markShipped(11L, "abc-123"));
    }

    @Test
    void markShipped_storesTrackingNumber() {
        storedOrder(12L, OrderStatus.PAID);

        Order shipped = orderService.markShipped(12L, "AC0000000420US");

        assertEquals(OrderStatus.SHIPPED, shipped.getStatus());
        assertEquals("AC0000000420US", shipped.getTrackingNumber());
    }

    @Test
    void changeQuantity_refusesRemovingLastLine() {
        storedOrder(13L);

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> orderService.changeQuantity(13L, "TOY-123456-1", 0));

        assertEquals("LAST_LINE", ex.getCode());
    }

    @Test
    void changeQuantity_recalculatesTotal() {
        storedOrder(14L);

        Order updated = orderService.changeQuantity(14L, "TOY-123456-1", 5);

        assertEquals(Money.ofCents(10_000, "USD"), updated.getTotal());
    }

    @Test
    void changeQuantity_paidOrderIsLocked() {
        storedOrder(15L, OrderStatus.PAID);

        assertThrows(BusinessRuleException.class, () -> orderService.changeQuantity(15L, "TOY-123456-1", 3));
    }

    @Test
    void expireUnpaidOrders_cancelsStaleOrders() {
        Order stale = new Order(1L, "USD");
        when(orderRepository.findUnpaidPlacedBefore(NOW.minus(OrderService.UNPAID_ORDER_TTL))).thenReturn(List.of(stale));

        int expired = orderService.expireUnpaidOrders();

        assertEquals(1, expired);
        assertEquals(OrderStatus.CANCELLED, stale.getStatus());
    }

    @Test
    void deliveredRevenue_ignoresOtherCurrencies() {
        Order usd = storedOrder(20L, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED);
        Order eur = new Order(5L, "EUR");
        eur.setPlacedAt(NOW);
        Instant from = NOW.minusSeconds(3600);
        Instant to = NOW.plusSeconds(3600);
        when(orderRepository.findByStatusPlacedBetween(OrderStatus.DELIVERED, from, to)).thenReturn(List.of(usd, eur));

        Money revenue = orderService.deliveredRevenue(from, to, "USD");

        assertEquals(Money.ofCents(4_000, "USD"), revenue);
    }
}
