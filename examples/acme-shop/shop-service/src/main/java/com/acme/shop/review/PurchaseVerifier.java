package com.acme.shop.review;

/**
 * Answers whether a customer has received a product, so that only verified buyers can review.
 */
public interface PurchaseVerifier {

    boolean hasReceived(long customerId, long productId);
}
