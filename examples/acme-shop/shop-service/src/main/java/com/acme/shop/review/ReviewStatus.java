package com.acme.shop.review;

public enum ReviewStatus {
    PENDING,
    PUBLISHED,
    REJECTED
}
