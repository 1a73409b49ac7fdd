package com.acme.shop.catalog;

import com.acme.shop.common.Money;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * A sellable article of the catalog, identified by its SKU. Prices are kept in cents with their currency.
 */
@Entity
@Table(name = "products")
public class Product {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 12)
    private String sku;

    @Column(nullable = false)
    private String name;

    private String description;

    @Column(nullable = false)
    private String category;

    private long priceCents;

    private String currency;

    private boolean active = true;

    private Instant createdAt;

    @ManyToMany(mappedBy = "products")
    private Set<Category> categories = new HashSet<>();

    protected Product() {
    }

    public Product(String sku, String name, String category, Money price) {
        this.sku = sku;
        this.name = name;
        this.category = category;
        this.priceCents = price.getCents();
        this.currency = price.getCurrency();
        this.createdAt = Instant.now();
    }

    public Money getPrice() {
        return Money.ofCents(priceCents, currency);
    }

    public void setPrice(Money price) {
        this.priceCents = price.getCents();
        this.currency = price.getCurrency();
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getSku() {
        return sku;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getCategory() {
        return category;
    }

    public boolean isActive() {
        return active;
    }

    public void setActive(boolean active) {
        this.active = active;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Set<Category> getCategories() {
        return Collections.unmodifiableSet(categories);
    }
}
