package com.acme.shop.order;

import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.Money;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A customer's order: its lines, cached total and place in the lifecycle PLACED, PAID, SHIPPED, DELIVERED
 * (or CANCELLED before shipping).
 */
@Entity
@Table(name = "orders")
public class Order {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long customerId;

    @Enumerated(EnumType.STRING)
    private OrderStatus status = OrderStatus.PLACED;

    private String currency;

    @OneToMany(cascade = CascadeType.ALL, orphanRemoval = true)
    @JoinColumn(name = "order_id")
    private List<OrderLine> lines = new ArrayList<>();

    private long totalCents;

    private Instant placedAt;

    private String cancellationReason;

    private String trackingNumber;

    protected Order() {
    }

    public Order(Long customerId, String currency) {
        this.customerId = customerId;
        this.currency = currency;
        this.placedAt = Instant.now();
    }

    /**
     * Adds a line; if the SKU is already present the quantities are merged.
     */
    public void addLine(OrderLine line) {
        for (OrderLine existing : lines) {
            if (existing.getSku().equals(line.getSku())) {
                existing.setQuantity(existing.getQuantity() + line.getQuantity());
                recalculateTotal();
                return;
            }
        }
        lines.add(line);
        recalculateTotal();
    }

    public boolean removeLine(String sku) {
        boolean removed = lines.removeIf(line -> line.getSku().equals(sku));
        if (removed) {
            recalculateTotal();
        }
        return removed;
    }

    /**
     * Recomputes the cached total from the order lines.
     */
    public void recalculateTotal() {
        Money total = Money.zero(currency);
        for (OrderLine line : lines) {
            total = total.plus(line.lineTotal());
        }
        this.totalCents = total.getCents();
    }

    public int itemCount() {
        int count = 0;
        for (OrderLine line : lines) {
            count += line.getQuantity();
        }
        return count;
    }

    /**
     * Moves the order to the next status, enforcing the lifecycle rules in {@link OrderStatus}.
     */
    public void transitionTo(OrderStatus next) {
        if (!status.canMoveTo(next)) {
            throw new InvalidStateTransitionException("Order " + id, status, next);
        }
        this.status = next;
    }

    public Money getTotal() {
        return Money.ofCents(totalCents, currency);
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getCustomerId() {
        return customerId;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public String getCurrency() {
        return currency;
    }

    public List<OrderLine> getLines() {
        return Collections.unmodifiableList(lines);
    }

    public Instant getPlacedAt() {
        return placedAt;
    }

    public void setPlacedAt(Instant placedAt) {
        this.placedAt = placedAt;
    }

    public String getCancellationReason() {
        return cancellationReason;
    }

    public void setCancellationReason(String cancellationReason) {
        this.cancellationReason = cancellationReason;
    }

    public String getTrackingNumber() {
        return trackingNumber;
    }

    public void setTrackingNumber(String trackingNumber) {
        this.trackingNumber = trackingNumber;
    }
}
