package com.acme.shop.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PriceCalculatorTest {

    @Test
    void addVat_addsTwentyPercent() {
        Money gross = PriceCalculator.addVat(Money.ofCents(10_000, "EUR"), PriceCalculator.STANDARD_VAT_BPS);

        assertEquals(Money.ofCents(12_000, "EUR"), gross);
    }

    @Test
    void addVat_rejectsNegativeRate() {
        assertThrows(IllegalArgumentException.class, () -> PriceCalculator.addVat(Money.ofCents(100, "EUR"), -1));
    }

    @Test
    void removeVat_isInverseOfAddVat() {
        Money net = PriceCalculator.removeVat(Money.ofCents(12_000, "EUR"), 2000);

        assertEquals(10_000, net.getCents());
    }

    @Test
    void volumeDiscountPercent_usesTierBoundaries() {
        assertEquals(0, PriceCalculator.volumeDiscountPercent(9));
        assertEquals(5, PriceCalculator.volumeDiscountPercent(10));
        assertEquals(10, PriceCalculator.volumeDiscountPercent(50));
        assertEquals(15, PriceCalculator.volumeDiscountPercent(100));
    }

    @Test
    void lineTotal_appliesVolumeDiscount() {
        Money total = PriceCalculator.lineTotal(Money.ofCents(1_000, "USD"), 10);

        assertEquals(Money.ofCents(9_500, "USD"), total);
    }

    @Test
    void sum_ofEmptyListIsZero() {
        assertEquals(Money.zero("USD"), PriceCalculator.sum(List.of(), "USD"));
    }

    @Test
    void charmPrice_roundsDownToNinetyNine() {
        Money charmed = PriceCalculator.charmPrice(Money.ofCents(1_250, "USD"));

        assertEquals(1_199, charmed.getCents());
    }
}
