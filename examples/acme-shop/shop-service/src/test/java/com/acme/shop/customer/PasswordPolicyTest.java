package com.acme.shop.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    @Test
    void violations_listsEveryBrokenRule() {
        List<String> problems = PasswordPolicy.violations("short", "x@acme-shop.example");

        assertEquals(3, problems.size());
        assertTrue(problems.contains("at least one digit"));
    }

    @Test
    void violations_rejectsPasswordContainingEmailName() {
        List<String> problems = PasswordPolicy.violations("Evance12345x", "evance@example.org");

        assertEquals(List.of("must not contain the e-mail name"), problems);
    }

    @Test
    void strength_rewardsLengthAndClasses() {
        assertEquals(4, PasswordPolicy.strength("Tr0ub4dor&3xyzab"));
        assertEquals(0, PasswordPolicy.strength("password"));
    }
}
