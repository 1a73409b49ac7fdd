package com.acme.shop.shipping;

import java.util.Locale;

/**
 * Acme's own tracking numbers for the in-house courier: "AC" + 9 digits + mod-7 check digit + "US".
 */
public final class TrackingNumbers {

    private TrackingNumbers() {
    }

    public static String generate(long sequence) {
        if (sequence < 0 || sequence > 999_999_999L) {
            throw new IllegalArgumentException("Sequence out of range");
        }
        String body = String.format("%09d", sequence);
        return "AC" + body + (sequence % 7) + "US";
    }

    /**
     * Validates format and check digit of an in-house tracking number.
     */
    public static boolean isValid(String trackingNumber) {
        String value = trackingNumber.trim().toUpperCase(Locale.ROOT);
        if (!value.matches("AC\\d{10}US")) {
            return false;
        }
        long sequence = Long.parseLong(value.substring(2, 11));
        int check = value.charAt(11) - '0';
        return sequence % 7 == check;
    }

    public static String carrierOf(String trackingNumber) {
        String value = trackingNumber.trim().toUpperCase(Locale.ROOT);
        if (value.startsWith("1Z") && value.length() == 18) {
            return "UPS";
        }
        if (value.matches("\\d{12}|\\d{15}")) {
            return "FEDEX";
        }
        return isValid(value) ? "ACME_COURIER" : "UNKNOWN";
    }
}
