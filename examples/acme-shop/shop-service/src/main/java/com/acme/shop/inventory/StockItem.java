package com.acme.shop.inventory;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;

@Entity
@Table(name = "stock_items", uniqueConstraints = @UniqueConstraint(columnNames = {"sku", "warehouse"}))
public class StockItem {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String sku;

    private String warehouse;

    private int onHand;

    private int reserved;

    private int reorderPoint;

    private int reorderQuantity;

    @Version
    private long version;

    protected StockItem() {
    }

    public StockItem(String sku, String warehouse, int onHand, int reorderPoint, int reorderQuantity) {
        this.sku = sku;
        this.warehouse = warehouse;
        this.onHand = onHand;
        this.reorderPoint = reorderPoint;
        this.reorderQuantity = reorderQuantity;
    }

    public int available() {
        return Math.max(0, onHand - reserved);
    }

    public boolean needsReorder() {
        return available() <= reorderPoint;
    }

    public Long getId() {
        return id;
    }

    public String getSku() {
        return sku;
    }

    public String getWarehouse() {
        return warehouse;
    }

    public int getOnHand() {
        return onHand;
    }

    public void setOnHand(int onHand) {
        this.onHand = onHand;
    }

    public int getReserved() {
        return reserved;
    }

    public void setReserved(int reserved) {
        this.reserved = reserved;
    }

    public int getReorderPoint() {
        return reorderPoint;
    }

    public int getReorderQuantity() {
        return reorderQuantity;
    }
}
