package com.acme.shop.report;

import java.time.LocalDate;

/**
 * One row of the daily sales report.
 */
public record DailySales(LocalDate day, long orderCount, long revenueCents) {

    public long averageOrderCents() {
        return orderCount == 0 ? 0 : revenueCents / orderCount;
    }
}
