package com.acme.shop.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackingNumbersTest {

    @Test
    void generate_appendsModSevenCheckDigit() {
        assertEquals("AC0000000420US", TrackingNumbers.generate(42));
    }

    @Test
    void isValid_detectsWrongCheckDigit() {
        assertTrue(TrackingNumbers.isValid("ac0000000420us"));
        assertFalse(TrackingNumbers.isValid("AC0000000421US"));
    }

    @Test
    void carrierOf_recognisesUps() {
        assertEquals("UPS", TrackingNumbers.carrierOf("1Z999AA10123456784"));
    }
}
