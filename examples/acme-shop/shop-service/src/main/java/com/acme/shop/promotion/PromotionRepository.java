package com.acme.shop.promotion;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface PromotionRepository extends JpaRepository<Promotion, Long> {

    Optional<Promotion> findByCodeIgnoreCase(String code);

    boolean existsByCodeIgnoreCase(String code);

    @Query("select p from Promotion p where p.validFrom <= :day and (p.validUntil is null or p.validUntil >= :day)")
    List<Promotion> findActiveOn(@Param("day") LocalDate day);

    @Modifying
    @Query("delete from Promotion p where p.validUntil < :cutoff and p.redemptions = 0")
    int deleteUnusedExpiredBefore(@Param("cutoff") LocalDate cutoff);
}
