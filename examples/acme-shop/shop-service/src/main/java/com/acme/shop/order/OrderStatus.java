package com.acme.shop.order;

import java.util.EnumSet;
import java.util.Set;

public enum OrderStatus {
    PLACED,
    PAID,
    SHIPPED,
    DELIVERED,
    CANCELLED;

    /**
     * Allowed next states of the order lifecycle.
     */
    public Set<OrderStatus> allowedNext() {
        switch (this) {
            case PLACED:
                return EnumSet.of(PAID, CANCELLED);
            case PAID:
                return EnumSet.of(SHIPPED, CANCELLED);
            case SHIPPED:
                return EnumSet.of(DELIVERED);
            default:
                return EnumSet.noneOf(OrderStatus.class);
        }
    }

    public boolean canMoveTo(OrderStatus next) {
        return allowedNext().contains(next);
    }
}
