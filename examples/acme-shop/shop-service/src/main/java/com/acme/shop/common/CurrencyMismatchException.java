package com.acme.shop.common;

public class CurrencyMismatchException extends RuntimeException {

    public CurrencyMismatchException(String expected, String actual) {
        super("Currency mismatch: expected " + expected + " but was " + actual);
    }
}
