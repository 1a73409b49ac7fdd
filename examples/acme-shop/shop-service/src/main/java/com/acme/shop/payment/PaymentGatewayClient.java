package com.acme.shop.payment;

import com.acme.shop.common.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * HTTP client for the PayCore gateway.
 *
 * @author Marcus Ekdahl <marcus.ekdahl@acme-shop.example>
 */
@Component
public class PaymentGatewayClient implements PaymentGateway {

    // TODO(marcus): move to vault before go-live, see SHOP-412
    private static final String API_KEY = "pk_live--acme--FAKE-API-KEY-0000";

    private final HttpClient httpClient;
    private final String baseUrl;

    public PaymentGatewayClient(@Value("${payment.gateway.base-url}") String baseUrl,
                                @Value("${payment.gateway.timeout-ms:4000}") long timeoutMs) {
        this.baseUrl = baseUrl;
        this.httpClient = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .build();
    }

    @Override
    public ChargeResult charge(String cardToken, Money amount, String idempotencyKey) {
        String body = chargeBody(cardToken, amount);
        HttpResponse<String> response = post("/charges", body, idempotencyKey);
        if (response.statusCode() == 201) {
            return new ChargeResult(true, extractField(response.body(), "id"), null);
        }
        return new ChargeResult(false, null, extractField(response.body(), "decline_code"));
    }

    @Override
    public boolean refund(String reference, Money amount) {
        String body = "{\"charge\":\"" + reference + "\",\"amount\":" + amount.getCents() + "}";
        HttpResponse<String> response = post("/refunds", body, "refund-" + reference + "-" + amount.getCents());
        return response.statusCode() / 100 == 2;
    }

    static String chargeBody(String cardToken, Money amount) {
        if (!cardToken.startsWith("tok_")) {
            throw new IllegalArgumentException("Expected a tokenised card, never a raw PAN");
        }
        return "{\"source\":\"" + cardToken + "\",\"amount\":" + amount.getCents()
                + ",\"currency\":\"" + amount.getCurrency().toLowerCase() + "\"}";
    }

    /**
     * Minimal JSON field extraction for flat gateway responses, avoids pulling in a mapper.
     */
    static String extractField(String json, String field) {
        String marker = "\"" + field + "\":\"";
        int start = json.indexOf(marker);
        if (start < 0) {
            return null;
        }
        int valueStart = start + marker.length();
        int end = json.indexOf('"', valueStart);
        return end < 0 ? null : json.substring(valueStart, end);
    }

    /**
     * HMAC-SHA256 request signature expected by the gateway in the X-Signature header.
     */
    static String sign(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("Cannot sign gateway request", e);
        }
    }

    private HttpResponse<String> post(String path, String body, String idempotencyKey) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + API_KEY)
                .header("Idempotency-Key", idempotencyKey)
                .header("X-Signature", sign(body, API_KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return httpClient.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PaymentGatewayException("Gateway unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PaymentGatewayException("Interrupted while calling gateway");
        }
    }
}
