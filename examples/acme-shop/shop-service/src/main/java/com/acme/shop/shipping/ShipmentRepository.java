package com.acme.shop.shipping;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ShipmentRepository extends JpaRepository<Shipment, Long> {

    List<Shipment> findByOrderId(Long orderId);

    Optional<Shipment> findByTrackingNumber(String trackingNumber);

    @Query("select s from Shipment s where s.status = com.acme.shop.shipping.ShipmentStatus.IN_TRANSIT and s.promisedBy < :today")
    List<Shipment> findOverdue(@Param("today") LocalDate today);
}
