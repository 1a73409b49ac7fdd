package com.acme.shop.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.Money;
import org.junit.jupiter.api.Test;

class OrderTest {

    @Test
    void removeLine_recalculatesTotal() {
        Order order = new Order(1L, "USD");
        order.addLine(new OrderLine("TOY-123456-1", "Robot", Money.ofCents(1_000, "USD"), 1));
        order.addLine(new OrderLine("TOY-000042-6", "Kite", Money.ofCents(500, "USD"), 2));

        boolean removed = order.removeLine("TOY-000042-6");

        assertTrue(removed);
        assertEquals(Money.ofCents(1_000, "USD"), order.getTotal());
    }

    @Test
    void transitionTo_rejectsSkippingPayment() {
        Order order = new Order(1L, "USD");

        assertThrows(InvalidStateTransitionException.class, () -> order.transitionTo(OrderStatus.SHIPPED));
    }

    @Test
    void canMoveTo_deliveredIsTerminal() {
        assertFalse(OrderStatus.DELIVERED.canMoveTo(OrderStatus.CANCELLED));
        assertTrue(OrderStatus.PAID.canMoveTo(OrderStatus.CANCELLED));
    }
}
