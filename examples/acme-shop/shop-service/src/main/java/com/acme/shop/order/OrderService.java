package com.acme.shop.order;

import com.acme.shop.catalog.Product;
import com.acme.shop.catalog.ProductRepository;
import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import com.acme.shop.payment.PaymentService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Order lifecycle: placing, cancelling, shipping and reporting.
 *
 * @author Marcus Ekdahl <marcus.ekdahl@acme-shop.example>
 */
@Service
public class OrderService {

    static final int MAX_QUANTITY_PER_LINE = 99;
    static final Duration UNPAID_ORDER_TTL = Duration.ofHours(48);

    private final OrderRepository orderRepository;
    private final ProductRepository productRepository;
    private final PaymentService paymentService;
    private final Clock clock;

    public OrderService(OrderRepository orderRepository,
                        ProductRepository productRepository,
                        PaymentService paymentService,
                        Clock clock) {
        this.orderRepository = orderRepository;
        this.productRepository = productRepository;
        this.paymentService = paymentService;
        this.clock = clock;
    }

    public record LineRequest(String sku, int quantity) {
    }

    /**
     * Places an order for a customer. Every SKU must exist and be active; quantities must be
     * between 1 and {@value #MAX_QUANTITY_PER_LINE}.
     */
    @Transactional
    public Order placeOrder(long customerId, List<LineRequest> requests, String currency) {
        if (requests == null || requests.isEmpty()) {
            throw new BusinessRuleException("EMPTY_ORDER", "An order needs at least one line");
        }
        Order order = new Order(customerId, currency);
        order.setPlacedAt(clock.instant());
        for (LineRequest request : requests) {
            if (request.quantity() < 1 || request.quantity() > MAX_QUANTITY_PER_LINE) {
                throw new BusinessRuleException("INVALID_QUANTITY", "Quantity " + request.quantity() + " for " + request.sku());
            }
            Product product = productRepository.findBySku(request.sku())
                    .filter(Product::isActive)
                    .orElseThrow(() -> new NotFoundException("Product", request.sku()));
            order.addLine(new OrderLine(product.getSku(), product.getName(), product.getPrice(), request.quantity()));
        }
        return orderRepository.save(order);
    }

    public Order getOrder(long orderId) {
        return orderRepository.findById(orderId)
                .orElseThrow(() -> new NotFoundException("Order", orderId));
    }

    /**
     * Cancels an order. Paid orders are refunded in full before the status changes.
     */
    @Transactional
    public Order cancelOrder(long orderId, String reason) {
        Order order = getOrder(orderId);
        if (reason == null || reason.isBlank()) {
            throw new BusinessRuleException("REASON_REQUIRED", "A cancellation reason is required");
        }
        if (order.getStatus() == OrderStatus.PAID) {
            paymentService.refundOrder(orderId, order.getTotal());
        }
        order.transitionTo(OrderStatus.CANCELLED);
        order.setCancellationReason(reason.trim());
        return orderRepository.save(order);
    }

    /**
     * Marks a paid order as shipped with the carrier's tracking number.
     */
    @Transactional
    public Order markShipped(long orderId, String trackingNumber) {
        if (trackingNumber == null || !trackingNumber.matches("[A-Z0-9]{8,30}")) {
            throw new BusinessRuleException("INVALID_TRACKING", "Tracking number is malformed");
        }
        Order order = getOrder(orderId);
        order.transitionTo(OrderStatus.SHIPPED);
        order.setTrackingNumber(trackingNumber);
        return orderRepository.save(order);
    }

    /**
     * Changes the quantity of one line of an order that has not been paid yet.
     * A quantity of zero removes the line; removing the last line is refused.
     */
    @Transactional
    public Order changeQuantity(long orderId, String sku, int quantity) {
        Order order = getOrder(orderId);
        if (order.getStatus() != OrderStatus.PLACED) {
            throw new BusinessRuleException("ORDER_LOCKED", "Only unpaid orders can be edited");
        }
        OrderLine line = order.getLines().stream()
                .filter(l -> l.getSku().equals(sku))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("Order line", sku));
        if (quantity == 0) {
            if (order.getLines().size() == 1) {
                throw new BusinessRuleException("LAST_LINE", "Cancel the order instead of removing its last line");
            }
            order.removeLine(sku);
        } else {
            line.setQuantity(quantity);
            order.recalculateTotal();
        }
        return orderRepository.save(order);
    }

    public List<Order> ordersForCustomer(long customerId) {
        return orderRepository.findByCustomerIdOrderByPlacedAtDesc(customerId);
    }

    /**
     * Sum of delivered order totals placed in the half-open interval [from, to).
     */
    public Money deliveredRevenue(Instant from, Instant to, String currency) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        Money revenue = Money.zero(currency);
        for (Order order : orderRepository.findByStatusPlacedBetween(OrderStatus.DELIVERED, from, to)) {
            if (order.getCurrency().equals(currency) && order.getPlacedAt().isBefore(to)) {
                revenue = revenue.plus(order.getTotal());
            }
        }
        return revenue;
    }

    /**
     * Cancels orders that were placed but never paid within {@link #UNPAID_ORDER_TTL}.
     * Returns how many orders were expired.
     */
    @Transactional
    public int expireUnpaidOrders() {
        Instant cutoff = clock.instant().minus(UNPAID_ORDER_TTL);
        List<Order> stale = orderRepository.findUnpaidPlacedBefore(cutoff);
        for (Order order : stale) {
            order.transitionTo(OrderStatus.CANCELLED);
            order.setCancellationReason("Payment not received within 48h");
        }
        orderRepository.saveAll(stale);
        return stale.size();
    }
}
