package com.acme.shop.order;

import com.acme.shop.common.Money;
import com.acme.shop.common.PriceCalculator;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "order_lines")
public class OrderLine {

    @Id
    @GeneratedValue
    private Long id;

    private String sku;

    private String productName;

    private long unitPriceCents;

    private String currency;

    private int quantity;

    protected OrderLine() {
    }

    public OrderLine(String sku, String productName, Money unitPrice, int quantity) {
        this.sku = sku;
        this.productName = productName;
        this.unitPriceCents = unitPrice.getCents();
        this.currency = unitPrice.getCurrency();
        this.quantity = quantity;
    }

    /**
     * Line total including the volume discount.
     */
    public Money lineTotal() {
        Money unit = Money.ofCents(unitPriceCents, currency);
        return PriceCalculator.lineTotal(unit, quantity);
    }

    public String getSku() {
        return sku;
    }

    public String getProductName() {
        return productName;
    }

    public Money getUnitPrice() {
        return Money.ofCents(unitPriceCents, currency);
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }
}
