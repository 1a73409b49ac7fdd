package com.acme.shop.payment;

public enum PaymentStatus {
    PENDING,
    CAPTURED,
    FAILED,
    PARTIALLY_REFUNDED,
    REFUNDED
}
