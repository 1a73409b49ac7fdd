package com.acme.shop.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlackNotifierTest {

    @Test
    void formatText_escapesControlCharacters() {
        assertEquals("refund &lt;failed&gt; &amp; retried", SlackNotifier.formatText("refund <failed> & retried"));
    }

    @Test
    void formatText_truncatesLongMessages() {
        String formatted = SlackNotifier.formatText("x".repeat(5000));

        assertEquals(SlackNotifier.MAX_TEXT_LENGTH, formatted.length());
        assertTrue(formatted.endsWith("\u2026"));
    }

    @Test
    void stockOutMessage_listsEverySku() {
        String message = SlackNotifier.stockOutMessage(List.of("TOY-123456-1", "TOY-000042-6"));

        assertTrue(message.startsWith(":warning: 2 SKU(s) out of stock"));
        assertTrue(message.contains("\n\u2022 TOY-000042-6"));
    }
}
