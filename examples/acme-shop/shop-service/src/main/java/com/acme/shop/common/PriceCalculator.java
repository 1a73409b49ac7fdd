package com.acme.shop.common;

import java.util.List;

/**
 * Pure pricing helpers shared by orders, promotions and shipping.
 */
public final class PriceCalculator {

    /** Standard VAT rate in basis points (20.00%). */
    public static final int STANDARD_VAT_BPS = 2000;

    private PriceCalculator() {
    }

    /**
     * Adds VAT expressed in basis points to a net amount, rounding half-up.
     */
    public static Money addVat(Money net, int vatBasisPoints) {
        if (vatBasisPoints < 0) {
            throw new IllegalArgumentException("VAT must not be negative");
        }
        long vat = Math.round(net.getCents() * vatBasisPoints / 10_000.0);
        return Money.ofCents(net.getCents() + vat, net.getCurrency());
    }

    /**
     * Extracts the net amount from a gross price that already includes VAT.
     */
    public static Money removeVat(Money gross, int vatBasisPoints) {
        double divisor = 1.0 + vatBasisPoints / 10_000.0;
        long net = Math.round(gross.getCents() / divisor);
        return Money.ofCents(net, gross.getCurrency());
    }

    /**
     * Tiered volume discount: 5% from 10 units, 10% from 50 units, 15% from 100 units.
     */
    public static int volumeDiscountPercent(int quantity) {
        if (quantity >= 100) {
            return 15;
        }
        if (quantity >= 50) {
            return 10;
        }
        return quantity >= 10 ? 5 : 0;
    }

    /**
     * Line total for a unit price and quantity after the volume discount.
     */
    public static Money lineTotal(Money unitPrice, int quantity) {
        Money gross = unitPrice.times(quantity);
        int discount = volumeDiscountPercent(quantity);
        return gross.minus(gross.percent(discount));
    }

    /**
     * Sums a list of amounts; an empty list yields zero in the given currency.
     */
    public static Money sum(List<Money> amounts, String currency) {
        Money total = Money.zero(currency);
        for (Money amount : amounts) {
            total = total.plus(amount);
        }
        return total;
    }

    /**
     * Rounds a price to a "psychological" price ending in .99, never going below one cent.
     */
    public static Money charmPrice(Money price) {
        long whole = price.getCents() / 100;
        long charmed = whole * 100 + 99;
        if (charmed > price.getCents() && whole > 0) {
            charmed -= 100;
        }
        return Money.ofCents(Math.max(charmed, 1), price.getCurrency());
    }
}
