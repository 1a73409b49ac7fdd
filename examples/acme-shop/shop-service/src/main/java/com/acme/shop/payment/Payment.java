package com.acme.shop.payment;

import com.acme.shop.common.Money;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "payments")
public class Payment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long orderId;

    private long amountCents;

    private long refundedCents;

    private String currency;

    @Enumerated(EnumType.STRING)
    private PaymentStatus status = PaymentStatus.PENDING;

    private String gatewayReference;

    private String failureReason;

    private Instant createdAt;

    protected Payment() {
    }

    public Payment(Long orderId, Money amount) {
        this.orderId = orderId;
        this.amountCents = amount.getCents();
        this.currency = amount.getCurrency();
        this.createdAt = Instant.now();
    }

    /**
     * Amount that can still be refunded.
     */
    public Money refundable() {
        if (status != PaymentStatus.CAPTURED && status != PaymentStatus.PARTIALLY_REFUNDED) {
            return Money.zero(currency);
        }
        return Money.ofCents(amountCents - refundedCents, currency);
    }

    /**
     * Records a refund and updates the status accordingly.
     */
    public void registerRefund(Money refund) {
        this.refundedCents += refund.getCents();
        this.status = refundedCents >= amountCents ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getOrderId() {
        return orderId;
    }

    public Money getAmount() {
        return Money.ofCents(amountCents, currency);
    }

    public Money getRefunded() {
        return Money.ofCents(refundedCents, currency);
    }

    public PaymentStatus getStatus() {
        return status;
    }

    public void setStatus(PaymentStatus status) {
        this.status = status;
    }

    public String getGatewayReference() {
        return gatewayReference;
    }

    public void setGatewayReference(String gatewayReference) {
        this.gatewayReference = gatewayReference;
    }

    public String getFailureReason() {
        return failureReason;
    }

    public void setFailureReason(String failureReason) {
        this.failureReason = failureReason;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
