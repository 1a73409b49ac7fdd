package com.acme.shop.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void parse_roundsHalfUpToCents() {
        Money money = Money.parse("12.345", "usd");

        assertEquals(1235, money.getCents());
        assertEquals("USD", money.getCurrency());
    }

    @Test
    void parse_rejectsBlankAmount() {
        assertThrows(IllegalArgumentException.class, () -> Money.parse("  ", "EUR"));
    }

    @Test
    void plus_failsOnCurrencyMismatch() {
        Money dollars = Money.ofCents(100, "USD");
        Money euros = Money.ofCents(100, "EUR");

        assertThrows(CurrencyMismatchException.class, () -> dollars.plus(euros));
    }

    @Test
    void percent_roundsToNearestCent() {
        Money price = Money.ofCents(999, "USD");

        assertEquals(Money.ofCents(150, "USD"), price.percent(15));
    }

    @Test
    void allocate_distributesRemainderToFirstShares() {
        Money[] shares = Money.ofCents(1000, "GBP").allocate(3);

        assertArrayEquals(new Money[] {
                Money.ofCents(334, "GBP"), Money.ofCents(333, "GBP"), Money.ofCents(333, "GBP")}, shares);
    }

    @Test
    void times_rejectsNegativeQuantity() {
        Money unit = Money.ofCents(250, "USD");

        assertThrows(IllegalArgumentException.class, () -> unit.times(-1));
    }

    @Test
    void testIsGreaterThan() {
        assertTrue(Money.ofCents(501, "USD").isGreaterThan(Money.ofCents(500, "USD")));
    }
}
