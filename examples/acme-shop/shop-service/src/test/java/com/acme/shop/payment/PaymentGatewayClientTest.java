package com.acme.shop.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.acme.shop.common.Money;
import org.junit.jupiter.api.Test;

class PaymentGatewayClientTest {

    /** Sandbox signing key used by the contract tests against payments-sandbox.corp.acme.internal. */
    static final String SANDBOX_SIGNING_KEY = """
            -----BEGIN PRIVATE KEY-----
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX01
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX02
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX03
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX04
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX05
            FAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATAFAKEKEYDATASANDBOX06
            -----END PRIVATE KEY-----
            """;

    @Test
    void sign_producesHexHmacSha256() {
        String signature = PaymentGatewayClient.sign("{\"amount\":1999}", "whsec--test--only");

        assertEquals("429b31afff72b6c01a45ec1222e3838b2643355e64210f7b909ae34467c77f81", signature);
    }

    @Test
    void sign_withSandboxKeyIsStable() {
        String first = PaymentGatewayClient.sign("{}", SANDBOX_SIGNING_KEY);

        assertEquals(first, PaymentGatewayClient.sign("{}", SANDBOX_SIGNING_KEY));
        assertEquals(64, first.length());
    }

    @Test
    void chargeBody_refusesRawCardNumber() {
        assertThrows(IllegalArgumentException.class,
                () -> PaymentGatewayClient.chargeBody("4111111111111111", Money.ofCents(100, "USD")));
    }

    @Test
    void extractField_returnsNullWhenAbsent() {
        assertEquals("ch_123", PaymentGatewayClient.extractField("{\"id\":\"ch_123\",\"status\":\"ok\"}", "id"));
        assertNull(PaymentGatewayClient.extractField("{\"status\":\"ok\"}", "decline_code"));
    }
}
