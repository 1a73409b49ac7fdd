package com.acme.shop.payment;

import com.acme.shop.common.Money;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written gateway double: approves every charge unless told to decline, records refunds.
 */
class FakePaymentGateway implements PaymentGateway {

    final List<String> idempotencyKeys = new ArrayList<>();
    final List<Money> refunds = new ArrayList<>();
    String declineWith;
    boolean refundsAccepted = true;
    private int sequence;

    @Override
    public ChargeResult charge(String cardToken, Money amount, String idempotencyKey) {
        idempotencyKeys.add(idempotencyKey);
        if (declineWith != null) {
            return new ChargeResult(false, null, declineWith);
        }
        sequence++;
        return new ChargeResult(true, "ch_test_" + sequence, null);
    }

    @Override
    public boolean refund(String reference, Money amount) {
        if (refundsAccepted) {
            refunds.add(amount);
        }
        return refundsAccepted;
    }
}
