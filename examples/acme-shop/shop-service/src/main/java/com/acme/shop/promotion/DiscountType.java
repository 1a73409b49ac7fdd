package com.acme.shop.promotion;

public enum DiscountType {
    PERCENT,
    FIXED_AMOUNT,
    FREE_SHIPPING
}
