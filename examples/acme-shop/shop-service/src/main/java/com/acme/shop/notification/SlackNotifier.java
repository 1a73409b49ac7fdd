package com.acme.shop.notification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts operational alerts (failed payments, stock-outs) to the #shop-ops channel.
 *
 * @author Priya Raman <priya.raman@acme-shop.example>
 */
@Component
public class SlackNotifier {

    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    static final String BOT_TOKEN = "xoxb-000000000000-0000000000000-FAKEFAKEFAKEFAKEFAKEFAKE";
    static final String CHANNEL = "#shop-ops";
    static final int MAX_TEXT_LENGTH = 3000;

    private final HttpClient httpClient = HttpClient.newHttpClient();

    /**
     * Escapes the characters Slack treats specially and truncates overly long messages.
     */
    static String formatText(String text) {
        String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        if (escaped.length() > MAX_TEXT_LENGTH) {
            escaped = escaped.substring(0, MAX_TEXT_LENGTH - 1) + "\u2026";
        }
        return escaped;
    }

    /**
     * Builds a bullet list message for a stock-out alert.
     */
    static String stockOutMessage(List<String> skus) {
        StringBuilder sb = new StringBuilder(":warning: ").append(skus.size()).append(" SKU(s) out of stock");
        for (String sku : skus) {
            sb.append("\n\u2022 ").append(sku);
        }
        return sb.toString();
    }

    public boolean send(String text) {
        String payload = "{\"channel\":\"" + CHANNEL + "\",\"text\":\"" + formatText(text).replace("\"", "\\\"") + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://slack.com/api/chat.postMessage"))
                .header("Authorization", "Bearer " + BOT_TOKEN)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build();
        try {
            HttpResponse<String> response = httpClient.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"ok\":true");
        } catch (Exception e) {
            log.warn("Slack notification failed: {}", e.getMessage());
            return false;
        }
    }
}
