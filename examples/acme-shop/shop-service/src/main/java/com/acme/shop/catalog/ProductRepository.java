package com.acme.shop.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ProductRepository extends JpaRepository<Product, Long> {

    Optional<Product> findBySku(String sku);

    boolean existsBySku(String sku);

    List<Product> findByCategoryAndActiveTrue(String category);

    List<Product> findByNameContainingIgnoreCase(String fragment);

    @Query("select p from Product p where p.active = true and p.priceCents between :minCents and :maxCents order by p.priceCents")
    List<Product> findActiveInPriceRange(@Param("minCents") long minCents, @Param("maxCents") long maxCents);

    @Query("select distinct p.category from Product p where p.active = true order by p.category")
    List<String> findActiveCategories();
}
