package com.acme.shop.payment;

import com.acme.shop.common.Money;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/payments")
public class PaymentController {

    private final PaymentService paymentService;

    public PaymentController(PaymentService paymentService) {
        this.paymentService = paymentService;
    }

    public record CaptureRequest(long orderId, String amount, String currency, String cardToken) {
    }

    public record RefundRequest(String amount, String currency) {
    }

    @GetMapping("/{id}")
    public Payment getPayment(@PathVariable long id) {
        return paymentService.getPayment(id);
    }

    @PostMapping
    public ResponseEntity<Payment> capture(@RequestBody CaptureRequest request) {
        Money amount = Money.parse(request.amount(), request.currency());
        Payment payment = paymentService.capture(request.orderId(), amount, request.cardToken());
        return ResponseEntity.created(URI.create("/api/payments/" + payment.getId())).body(payment);
    }

    @PostMapping("/{id}/refunds")
    public Payment refund(@PathVariable long id, @RequestBody RefundRequest request) {
        Money amount = Money.parse(request.amount(), request.currency());
        return paymentService.refundPartially(id, amount);
    }
}
