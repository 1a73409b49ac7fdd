package com.acme.shop.inventory;

public record ReorderSuggestion(String sku, String warehouse, int quantity) {
}
