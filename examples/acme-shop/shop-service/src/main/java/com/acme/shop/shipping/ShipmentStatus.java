package com.acme.shop.shipping;

public enum ShipmentStatus {
    CREATED,
    IN_TRANSIT,
    DELIVERED,
    RETURNED
}
