package com.acme.shop.payment;

import com.acme.shop.common.Money;

/**
 * Port to the external card processor.
 */
public interface PaymentGateway {

    record ChargeResult(boolean approved, String reference, String declineReason) {
    }

    ChargeResult charge(String cardToken, Money amount, String idempotencyKey);

    boolean refund(String reference, Money amount);
}
