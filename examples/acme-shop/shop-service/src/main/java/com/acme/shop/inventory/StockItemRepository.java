package com.acme.shop.inventory;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface StockItemRepository extends JpaRepository<StockItem, Long> {

    List<StockItem> findBySku(String sku);

    Optional<StockItem> findBySkuAndWarehouse(String sku, String warehouse);

    List<StockItem> findByWarehouse(String warehouse);

    @Query("select s from StockItem s where (s.onHand - s.reserved) <= s.reorderPoint")
    List<StockItem> findBelowReorderPoint();

    @Query("select coalesce(sum(s.onHand - s.reserved), 0) from StockItem s where s.sku = :sku")
    int totalAvailable(@Param("sku") String sku);
}
