package com.acme.shop.payment;

/**
 * Luhn (mod 10) check used to reject mistyped card numbers before they reach the gateway.
 */
public final class LuhnValidator {

    private LuhnValidator() {
    }

    public static boolean isValid(String number) {
        String digits = number.replaceAll("[\\s-]", "");
        if (!digits.matches("\\d{12,19}")) {
            return false;
        }
        return luhnSum(digits) % 10 == 0;
    }

    static int luhnSum(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum;
    }

    /**
     * Card brand derived from the issuer identification number prefix.
     */
    public static String brandOf(String number) {
        String digits = number.replaceAll("\\D", "");
        if (digits.startsWith("4")) {
            return "VISA";
        }
        int prefix2 = digits.length() >= 2 ? Integer.parseInt(digits.substring(0, 2)) : -1;
        if (prefix2 >= 51 && prefix2 <= 55) {
            return "MASTERCARD";
        }
        return (prefix2 == 34 || prefix2 == 37) ? "AMEX" : "UNKNOWN";
    }
}
