package com.acme.shop.payment;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface PaymentRepository extends JpaRepository<Payment, Long> {

    List<Payment> findByOrderId(Long orderId);

    Optional<Payment> findByGatewayReference(String gatewayReference);

    List<Payment> findByStatus(PaymentStatus status);

    @Query("select coalesce(sum(p.amountCents - p.refundedCents), 0) from Payment p where p.currency = :currency and p.status in ('CAPTURED', 'PARTIALLY_REFUNDED')")
    long sumNetCapturedCents(@Param("currency") String currency);
}
