package com.acme.shop.shipping;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

@Entity
@Table(name = "shipments")
public class Shipment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long orderId;

    private String carrier;

    private String trackingNumber;

    @Enumerated(EnumType.STRING)
    private ShipmentStatus status = ShipmentStatus.CREATED;

    private int weightGrams;

    private String destinationCountry;

    private LocalDate shippedOn;

    private LocalDate promisedBy;

    private LocalDate deliveredOn;

    protected Shipment() {
    }

    public Shipment(Long orderId, String carrier, int weightGrams, String destinationCountry) {
        this.orderId = orderId;
        this.carrier = carrier;
        this.weightGrams = weightGrams;
        this.destinationCountry = destinationCountry;
    }

    public boolean isLate(LocalDate today) {
        if (promisedBy == null || status == ShipmentStatus.DELIVERED) {
            return deliveredOn != null && promisedBy != null && deliveredOn.isAfter(promisedBy);
        }
        return today.isAfter(promisedBy);
    }

    public Long getId() {
        return id;
    }

    public Long getOrderId() {
        return orderId;
    }

    public String getCarrier() {
        return carrier;
    }

    public String getTrackingNumber() {
        return trackingNumber;
    }

    public void setTrackingNumber(String trackingNumber) {
        this.trackingNumber = trackingNumber;
    }

    public ShipmentStatus getStatus() {
        return status;
    }

    public void setStatus(ShipmentStatus status) {
        this.status = status;
    }

    public int getWeightGrams() {
        return weightGrams;
    }

    public String getDestinationCountry() {
        return destinationCountry;
    }

    public LocalDate getShippedOn() {
        return shippedOn;
    }

    public void setShippedOn(LocalDate shippedOn) {
        this.shippedOn = shippedOn;
    }

    public LocalDate getPromisedBy() {
        return promisedBy;
    }

    public void setPromisedBy(LocalDate promisedBy) {
        this.promisedBy = promisedBy;
    }

    public LocalDate getDeliveredOn() {
        return deliveredOn;
    }

    public void setDeliveredOn(LocalDate deliveredOn) {
        this.deliveredOn = deliveredOn;
    }
}
