package com.acme.shop.order;

import com.acme.shop.common.Money;
import com.acme.shop.common.PriceCalculator;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders a plain-text invoice for the confirmation e-mail.
 */
public final class InvoiceFormatter {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private InvoiceFormatter() {
    }

    /**
     * Invoice number: year + zero-padded order id, e.g. INV-2024-000042.
     */
    public static String invoiceNumber(Order order) {
        String year = DATE.format(order.getPlacedAt()).substring(0, 4);
        return String.format("INV-%s-%06d", year, order.getId());
    }

    public static String format(Order order) {
        StringBuilder sb = new StringBuilder();
        sb.append(invoiceNumber(order)).append("  ").append(DATE.format(order.getPlacedAt())).append('\n');
        for (OrderLine line : order.getLines()) {
            sb.append(String.format("%-30.30s %3d x %10s %12s%n",
                    line.getProductName(), line.getQuantity(), line.getUnitPrice(), line.lineTotal()));
        }
        Money total = order.getTotal();
        Money net = PriceCalculator.removeVat(total, PriceCalculator.STANDARD_VAT_BPS);
        sb.append(String.format("%-47s %12s%n", "Net", net));
        sb.append(String.format("%-47s %12s%n", "VAT 20%", total.minus(net)));
        sb.append(String.format("%-47s %12s%n", "Total", total));
        return sb.toString();
    }
}
