package com.acme.shop.customer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface CustomerRepository extends JpaRepository<Customer, Long> {

    Optional<Customer> findByEmailIgnoreCase(String email);

    boolean existsByEmailIgnoreCase(String email);

    List<Customer> findByMarketingOptInTrueAndBlockedFalse();

    @Query("select c from Customer c where c.anonymized = false and c.registeredAt < :before and c.id not in (select o.customerId from Order o)")
    List<Customer> findDormantWithoutOrders(@Param("before") Instant before);
}
