package com.acme.shop.report;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Figures of one day as computed by the nightly report job; published once finance has checked them.
 */
public class SalesSnapshot {

    private Long id;
    private LocalDate day;
    private String currency;
    private long orderCount;
    private long revenueCents;
    private Instant createdAt;
    private Instant publishedAt;

    public SalesSnapshot(LocalDate day, String currency, long orderCount, long revenueCents) {
        this.day = day;
        this.currency = currency;
        this.orderCount = orderCount;
        this.revenueCents = revenueCents;
        this.createdAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public LocalDate getDay() {
        return day;
    }

    public String getCurrency() {
        return currency;
    }

    public long getOrderCount() {
        return orderCount;
    }

    public long getRevenueCents() {
        return revenueCents;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getPublishedAt() {
        return publishedAt;
    }

    public void setPublishedAt(Instant publishedAt) {
        this.publishedAt = publishedAt;
    }
}
