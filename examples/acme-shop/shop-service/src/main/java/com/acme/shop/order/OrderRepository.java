package com.acme.shop.order;

import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface OrderRepository extends JpaRepository<Order, Long> {

    List<Order> findByCustomerIdOrderByPlacedAtDesc(Long customerId);

    List<Order> findByStatus(OrderStatus status);

    long countByCustomerIdAndStatus(Long customerId, OrderStatus status);

    @Query("select o from Order o where o.status = :status and o.placedAt between :from and :to")
    List<Order> findByStatusPlacedBetween(@Param("status") OrderStatus status,
                                          @Param("from") Instant from,
                                          @Param("to") Instant to);

    @Query("select o from Order o where o.status = com.acme.shop.order.OrderStatus.PLACED and o.placedAt < :cutoff")
    List<Order> findUnpaidPlacedBefore(@Param("cutoff") Instant cutoff);
}
