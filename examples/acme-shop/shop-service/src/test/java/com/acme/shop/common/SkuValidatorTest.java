package com.acme.shop.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SkuValidatorTest {

    @Test
    void checkDigit_weightsEvenPositionsByThree() {
        assertEquals(1, SkuValidator.checkDigit("123456"));
    }

    @Test
    void isValid_acceptsCorrectCheckDigit() {
        assertTrue(SkuValidator.isValid("TOY-123456-1"));
    }

    @Test
    void isValid_rejectsWrongCheckDigit() {
        assertFalse(SkuValidator.isValid("TOY-123456-2"));
    }

    @Test
    void isWellFormed_handlesNull() {
        assertFalse(SkuValidator.isWellFormed(null));
    }

    @Test
    void build_padsSerialAndAppendsCheckDigit() {
        assertEquals("TOY-000042-6", SkuValidator.build("toy", 42));
    }

    @Test
    void categoryOf_rejectsMalformedSku() {
        assertThrows(IllegalArgumentException.class, () -> SkuValidator.categoryOf("abc"));
    }
}
