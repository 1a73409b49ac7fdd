package com.acme.shop.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * Immutable monetary amount stored as minor units (cents) plus an ISO currency code.
 */
public final class Money implements Comparable<Money> {

    private final long cents;
    private final String currency;

    private Money(long cents, String currency) {
        if (currency == null || currency.length() != 3) {
            throw new IllegalArgumentException("Currency must be a 3-letter ISO code: " + currency);
        }
        this.cents = cents;
        this.currency = currency.toUpperCase();
    }

    public static Money ofCents(long cents, String currency) {
        return new Money(cents, currency);
    }

    public static Money zero(String currency) {
        return new Money(0L, currency);
    }

    /**
     * Parses a decimal string such as "12.34" into money, rounding half-up to cents.
     */
    public static Money parse(String amount, String currency) {
        if (amount == null || amount.isBlank()) {
            throw new IllegalArgumentException("Amount is empty");
        }
        BigDecimal value = new BigDecimal(amount.trim()).setScale(2, RoundingMode.HALF_UP);
        return new Money(value.movePointRight(2).longValueExact(), currency);
    }

    public long getCents() {
        return cents;
    }

    public String getCurrency() {
        return currency;
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(cents, other.cents), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(cents, other.cents), currency);
    }

    public Money times(int quantity) {
        if (quantity < 0) {
            throw new IllegalArgumentException("Quantity must not be negative");
        }
        return new Money(Math.multiplyExact(cents, (long) quantity), currency);
    }

    /**
     * Applies a percentage (0-100) and rounds half-up to the nearest cent.
     */
    public Money percent(int percentage) {
        if (percentage < 0 || percentage > 100) {
            throw new IllegalArgumentException("Percentage out of range: " + percentage);
        }
        long scaled = cents * percentage;
        long rounded = (scaled + (scaled >= 0 ? 50 : -50)) / 100;
        return new Money(rounded, currency);
    }

    /**
     * Splits the amount into {@code parts} shares whose sum equals this amount exactly.
     * Remainder cents go to the first shares.
     */
    public Money[] allocate(int parts) {
        if (parts <= 0) {
            throw new IllegalArgumentException("parts must be positive");
        }
        Money[] result = new Money[parts];
        long base = cents / parts;
        long remainder = cents % parts;
        for (int i = 0; i < parts; i++) {
            long share = base + (i < remainder ? 1 : 0);
            result[i] = new Money(share, currency);
        }
        return result;
    }

    public boolean isNegative() {
        return cents < 0;
    }

    public boolean isGreaterThan(Money other) {
        requireSameCurrency(other);
        return cents > other.cents;
    }

    public Money max(Money other) {
        requireSameCurrency(other);
        return cents >= other.cents ? this : other;
    }

    public BigDecimal toDecimal() {
        return BigDecimal.valueOf(cents, 2);
    }

    private void requireSameCurrency(Money other) {
        Objects.requireNonNull(other, "other");
        if (!currency.equals(other.currency)) {
            throw new CurrencyMismatchException(currency, other.currency);
        }
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(cents, other.cents);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Money money)) {
            return false;
        }
        return cents == money.cents && currency.equals(money.currency);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cents, currency);
    }

    @Override
    public String toString() {
        return toDecimal().toPlainString() + " " + currency;
    }
}
