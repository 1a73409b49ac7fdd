package com.acme.shop.promotion;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

@Entity
@Table(name = "promotions")
public class Promotion {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(unique = true, nullable = false)
    private String code;

    @Enumerated(EnumType.STRING)
    private DiscountType type;

    /** Percent for PERCENT promotions, cents for FIXED_AMOUNT. */
    private long value;

    private long minOrderCents;

    private LocalDate validFrom;

    private LocalDate validUntil;

    private int maxRedemptions;

    private int redemptions;

    private boolean stackable;

    protected Promotion() {
    }

    public Promotion(String code, DiscountType type, long value, LocalDate validFrom, LocalDate validUntil) {
        this.code = code;
        this.type = type;
        this.value = value;
        this.validFrom = validFrom;
        this.validUntil = validUntil;
    }

    public boolean isActiveOn(LocalDate day) {
        boolean started = !day.isBefore(validFrom);
        boolean notEnded = validUntil == null || !day.isAfter(validUntil);
        return started && notEnded;
    }

    public boolean isExhausted() {
        return maxRedemptions > 0 && redemptions >= maxRedemptions;
    }

    public Long getId() {
        return id;
    }

    public String getCode() {
        return code;
    }

    public DiscountType getType() {
        return type;
    }

    public long getValue() {
        return value;
    }

    public long getMinOrderCents() {
        return minOrderCents;
    }

    public void setMinOrderCents(long minOrderCents) {
        this.minOrderCents = minOrderCents;
    }

    public LocalDate getValidFrom() {
        return validFrom;
    }

    public LocalDate getValidUntil() {
        return validUntil;
    }

    public void setValidUntil(LocalDate validUntil) {
        this.validUntil = validUntil;
    }

    public int getMaxRedemptions() {
        return maxRedemptions;
    }

    public void setMaxRedemptions(int maxRedemptions) {
        this.maxRedemptions = maxRedemptions;
    }

    public int getRedemptions() {
        return redemptions;
    }

    public void setRedemptions(int redemptions) {
        this.redemptions = redemptions;
    }

    public boolean isStackable() {
        return stackable;
    }

    public void setStackable(boolean stackable) {
        this.stackable = stackable;
    }
}
