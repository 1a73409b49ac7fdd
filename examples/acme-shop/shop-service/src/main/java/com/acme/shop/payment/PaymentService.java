package com.acme.shop.payment;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Captures and refunds payments through the {@link PaymentGateway}.
 */
@Service
public class PaymentService {

    static final int MAX_ATTEMPTS_PER_ORDER = 3;

    private final PaymentRepository paymentRepository;
    private final PaymentGateway gateway;

    public PaymentService(PaymentRepository paymentRepository, PaymentGateway gateway) {
        this.paymentRepository = paymentRepository;
        this.gateway = gateway;
    }

    /**
     * Charges the card for an order. Declines are stored as FAILED payments; after
     * {@value #MAX_ATTEMPTS_PER_ORDER} failed attempts further charges are refused.
     */
    @Transactional
    public Payment capture(long orderId, Money amount, String cardToken) {
        List<Payment> previous = paymentRepository.findByOrderId(orderId);
        long failures = previous.stream().filter(p -> p.getStatus() == PaymentStatus.FAILED).count();
        if (failures >= MAX_ATTEMPTS_PER_ORDER) {
            throw new BusinessRuleException("TOO_MANY_ATTEMPTS", "Order " + orderId + " is locked for payment");
        }
        if (previous.stream().anyMatch(p -> p.getStatus() == PaymentStatus.CAPTURED)) {
            throw new BusinessRuleException("ALREADY_PAID", "Order " + orderId + " is already paid");
        }
        Payment payment = new Payment(orderId, amount);
        PaymentGateway.ChargeResult result = gateway.charge(cardToken, amount, "order-" + orderId + "-" + (previous.size() + 1));
        if (result.approved()) {
            payment.setStatus(PaymentStatus.CAPTURED);
            payment.setGatewayReference(result.reference());
        } else {
            payment.setStatus(PaymentStatus.FAILED);
            payment.setFailureReason(result.declineReason());
        }
        return paymentRepository.save(payment);
    }

    /**
     * Refunds up to {@code amount} across the captured payments of an order, newest first.
     */
    @Transactional
    public Money refundOrder(long orderId, Money amount) {
        List<Payment> payments = paymentRepository.findByOrderId(orderId).stream()
                .sorted(Comparator.comparing(Payment::getCreatedAt).reversed())
                .toList();
        Money remaining = amount;
        for (Payment payment : payments) {
            if (remaining.getCents() == 0) {
                break;
            }
            Money portion = Money.ofCents(Math.min(remaining.getCents(), payment.refundable().getCents()), amount.getCurrency());
            if (portion.getCents() > 0 && gateway.refund(payment.getGatewayReference(), portion)) {
                payment.registerRefund(portion);
                paymentRepository.save(payment);
                remaining = remaining.minus(portion);
            }
        }
        return amount.minus(remaining);
    }

    /**
     * Partial refund of a single payment, e.g. for one returned item.
     */
    @Transactional
    public Payment refundPartially(long paymentId, Money amount) {
        Payment payment = paymentRepository.findById(paymentId)
                .orElseThrow(() -> new NotFoundException("Payment", paymentId));
        if (amount.isGreaterThan(payment.refundable())) {
            throw new BusinessRuleException("REFUND_TOO_LARGE", "Refund exceeds refundable amount " + payment.refundable());
        }
        if (!gateway.refund(payment.getGatewayReference(), amount)) {
            throw new PaymentGatewayException("Gateway rejected refund for payment " + paymentId);
        }
        payment.registerRefund(amount);
        return paymentRepository.save(payment);
    }

    public Payment getPayment(long paymentId) {
        return paymentRepository.findById(paymentId)
                .orElseThrow(() -> new NotFoundException("Payment", paymentId));
    }

    /**
     * Net amount paid for an order: captured minus refunded.
     */
    public Money netPaidForOrder(long orderId, String currency) {
        Money net = Money.zero(currency);
        for (Payment payment : paymentRepository.findByOrderId(orderId)) {
            if (payment.getStatus() == PaymentStatus.FAILED || payment.getStatus() == PaymentStatus.PENDING) {
                continue;
            }
            net = net.plus(payment.getAmount()).minus(payment.getRefunded());
        }
        return net;
    }

    /**
     * Masks a card number for display, keeping only the last four digits.
     */
    public static String maskCardNumber(String pan) {
        String digits = pan.replaceAll("\\D", "");
        if (digits.length() < 12 || digits.length() > 19) {
            throw new IllegalArgumentException("Card number has an invalid length");
        }
        String last4 = digits.substring(digits.length() - 4);
        return "*".repeat(digits.length() - 4) + last4;
    }
}
