package com.acme.shop.common;

import java.util.regex.Pattern;

/**
 * Validates Acme SKUs of the form {@code CAT-NNNNNN-C} where the last character is a
 * mod-10 check digit computed over the six numeric digits.
 */
public final class SkuValidator {

    private static final Pattern SKU_PATTERN = Pattern.compile("^[A-Z]{3}-\\d{6}-\\d$");

    private SkuValidator() {
    }

    public static boolean isWellFormed(String sku) {
        if (sku == null) {
            return false;
        }
        return SKU_PATTERN.matcher(sku.trim()).matches();
    }

    /**
     * Computes the check digit: digits at even positions are weighted 3, odd positions 1.
     */
    public static int checkDigit(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), 10);
            if (d < 0) {
                throw new IllegalArgumentException("Not a digit at position " + i);
            }
            sum += (i % 2 == 0) ? d * 3 : d;
        }
        return (10 - sum % 10) % 10;
    }

    public static boolean isValid(String sku) {
        if (!isWellFormed(sku)) {
            return false;
        }
        String[] parts = sku.trim().split("-");
        return checkDigit(parts[1]) == Character.digit(parts[2].charAt(0), 10);
    }

    /**
     * Builds a full SKU from a category prefix and a serial number.
     */
    public static String build(String category, int serial) {
        if (category == null || !category.matches("[A-Za-z]{3}")) {
            throw new IllegalArgumentException("Category must be three letters");
        }
        if (serial < 0 || serial > 999_999) {
            throw new IllegalArgumentException("Serial out of range: " + serial);
        }
        String digits = String.format("%06d", serial);
        return category.toUpperCase() + "-" + digits + "-" + checkDigit(digits);
    }

    public static String categoryOf(String sku) {
        if (!isWellFormed(sku)) {
            throw new IllegalArgumentException("Malformed SKU: " + sku);
        }
        return sku.trim().substring(0, 3);
    }
}
