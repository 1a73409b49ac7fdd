package com.acme.shop.report;

public record TopProduct(String sku, String name, long unitsSold, long revenueCents) {
}
