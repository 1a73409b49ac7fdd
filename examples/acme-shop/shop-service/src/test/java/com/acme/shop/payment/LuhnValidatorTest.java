package com.acme.shop.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LuhnValidatorTest {

    @Test
    void isValid_acceptsTestCardWithSpaces() {
        assertTrue(LuhnValidator.isValid("4111 1111 1111 1111"));
    }

    @Test
    void isValid_rejectsSingleDigitTypo() {
        assertFalse(LuhnValidator.isValid("4111111111111112"));
    }

    @Test
    void brandOf_detectsAmex() {
        assertEquals("AMEX", LuhnValidator.brandOf("3782 822463 10005"));
    }
}
