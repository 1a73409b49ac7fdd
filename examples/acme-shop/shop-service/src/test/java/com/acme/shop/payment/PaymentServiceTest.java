package com.acme.shop.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PaymentServiceTest {

    private PaymentRepository paymentRepository;
    private FakePaymentGateway gateway;
    private PaymentService paymentService;

    @BeforeEach
    void setUp() {
        paymentRepository = mock(PaymentRepository.class);
        when(paymentRepository.save(any(Payment.class))).thenAnswer(invocation -> invocation.getArgument(0));
        gateway = new FakePaymentGateway();
        paymentService = new PaymentService(paymentRepository, gateway);
    }

    private static Payment payment(long orderId, long cents, PaymentStatus status) {
        Payment payment = new Payment(orderId, Money.ofCents(cents, "USD"));
        payment.setStatus(status);
        payment.setGatewayReference("ch_existing_" + cents);
        return payment;
    }

    @Test
    void capture_storesApprovedChargeAsCaptured() {
        Payment payment = paymentService.capture(7L, Money.ofCents(4_000, "USD"), "tok_visa");

        assertEquals(PaymentStatus.CAPTURED, payment.getStatus());
        assertEquals("ch_test_1", payment.getGatewayReference());
        assertEquals(List.of("order-7-1"), gateway.idempotencyKeys);
    }

    @Test
    void capture_storesDeclineAsFailed() {
        gateway.declineWith = "insufficient_funds";

        Payment payment = paymentService.capture(7L, Money.ofCents(4_000, "USD"), "tok_visa");

        assertEquals(PaymentStatus.FAILED, payment.getStatus());
        assertEquals("insufficient_funds", payment.getFailureReason());
    }

    @Test
    void capture_refusedAfterThreeFailedAttempts() {
        when(paymentRepository.findByOrderId(7L)).thenReturn(List.of(
                payment(7L, 4_000, PaymentStatus.FAILED),
                payment(7L, 4_000, PaymentStatus.FAILED),
                payment(7L, 4_000, PaymentStatus.FAILED)));

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> paymentService.capture(7L, Money.ofCents(4_000, "USD"), "tok_visa"));

        assertEquals("TOO_MANY_ATTEMPTS", ex.getCode());
    }

    @Test
    void capture_refusedWhenOrderAlreadyPaid() {
        when(paymentRepository.findByOrderId(7L)).thenReturn(List.of(payment(7L, 4_000, PaymentStatus.CAPTURED)));

        assertThrows(BusinessRuleException.class, () -> paymentService.capture(7L, Money.ofCents(4_000, "USD"), "tok_visa"));
    }

    @Test
    void refundOrder_partiallyRefundsCapturedPayment() {
        Payment captured = payment(7L, 5_000, PaymentStatus.CAPTURED);
        when(paymentRepository.findByOrderId(7L)).thenReturn(List.of(captured));

        Money refunded = paymentService.refundOrder(7L, Money.ofCents(2_000, "USD"));

        assertEquals(Money.ofCents(2_000, "USD"), refunded);
        assertEquals(PaymentStatus.PARTIALLY_REFUNDED, captured.getStatus());
    }

    @Test
    void refundOrder_returnsZeroWhenGatewayRefuses() {
        gateway.refundsAccepted = false;
        when(paymentRepository.findByOrderId(7L)).thenReturn(List.of(payment(7L, 5_000, PaymentStatus.CAPTURED)));

        assertEquals(Money.zero("USD"), paymentService.refundOrder(7L, Money.ofCents(5_000, "USD")));
    }

    @Test
    void refundPartially_rejectsAmountAboveRefundable() {
        Payment captured = payment(7L, 1_000, PaymentStatus.CAPTURED);
        when(paymentRepository.findById(3L)).thenReturn(Optional.of(captured));

        assertThrows(BusinessRuleException.class, () -> paymentService.refundPartially(3L, Money.ofCents(1_001, "USD")));
    }

    @Test
    void netPaidForOrder_ignoresFailedAttempts() {
        Payment refundedPart = payment(7L, 5_000, PaymentStatus.CAPTURED);
        refundedPart.registerRefund(Money.ofCents(1_500, "USD"));
        when(paymentRepository.findByOrderId(7L)).thenReturn(List.of(payment(7L, 5_000, PaymentStatus.FAILED), refundedPart));

        assertEquals(Money.ofCents(3_500, "USD"), paymentService.netPaidForOrder(7L, "USD"));
    }

    @Test
    void maskCardNumber_keepsLastFourDigits() {
        assertEquals("************1111", PaymentService.maskCardNumber("4111 1111 1111 1111"));
    }
}
