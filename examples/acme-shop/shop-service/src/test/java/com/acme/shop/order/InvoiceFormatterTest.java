package com.acme.shop.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.shop.common.Money;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InvoiceFormatterTest {

    @Test
    void invoiceNumber_usesYearAndPaddedId() {
        Order order = new Order(1L, "USD");
        order.setId(42L);
        order.setPlacedAt(Instant.parse("2024-03-01T09:30:00Z"));

        assertEquals("INV-2024-000042", InvoiceFormatter.invoiceNumber(order));
    }

    @Test
    void format_printsVatBreakdown() {
        Order order = new Order(1L, "USD");
        order.setId(43L);
        order.setPlacedAt(Instant.parse("2024-03-01T09:30:00Z"));
        order.addLine(new OrderLine("TOY-123456-1", "Robot", Money.ofCents(1_200, "USD"), 1));

        String invoice = InvoiceFormatter.format(order);

        assertTrue(invoice.contains("10.00 USD"));
        assertTrue(invoice.contains("2.00 USD"));
    }
}
