package com.acme.shop.customer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Password rules for customer accounts (SEC-17).
 */
public final class PasswordPolicy {

    static final int MIN_LENGTH = 10;

    private PasswordPolicy() {
    }

    /**
     * Returns the list of violated rules; an empty list means the password is acceptable.
     */
    public static List<String> violations(String password, String email) {
        List<String> problems = new ArrayList<>();
        if (password.length() < MIN_LENGTH) {
            problems.add("at least " + MIN_LENGTH + " characters");
        }
        if (password.chars().noneMatch(Character::isDigit)) {
            problems.add("at least one digit");
        }
        if (password.chars().noneMatch(Character::isUpperCase) || password.chars().noneMatch(Character::isLowerCase)) {
            problems.add("upper and lower case letters");
        }
        String localPart = email.split("@")[0].toLowerCase(Locale.ROOT);
        if (localPart.length() >= 4 && password.toLowerCase(Locale.ROOT).contains(localPart)) {
            problems.add("must not contain the e-mail name");
        }
        return problems;
    }

    /**
     * Rough strength score from 0 to 4 based on length and character classes.
     */
    public static int strength(String password) {
        int classes = 0;
        classes += password.chars().anyMatch(Character::isLowerCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isUpperCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isDigit) ? 1 : 0;
        classes += password.chars().anyMatch(ch -> !Character.isLetterOrDigit(ch)) ? 1 : 0;
        int lengthBonus = password.length() >= 16 ? 1 : 0;
        return Math.min(4, Math.max(0, classes - 1 + lengthBonus));
    }
}
