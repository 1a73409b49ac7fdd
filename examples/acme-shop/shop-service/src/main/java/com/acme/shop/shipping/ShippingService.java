package com.acme.shop.shipping;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Shipping quotes, parcel splitting and shipment tracking.
 */
@Service
public class ShippingService {

    static final int MAX_PARCEL_GRAMS = 20_000;
    static final String HOME_COUNTRY = "US";

    private final ShipmentRepository shipmentRepository;
    private final CarrierRateProvider rateProvider;
    private final long freeShippingThresholdCents;

    public ShippingService(ShipmentRepository shipmentRepository,
                           CarrierRateProvider rateProvider,
                           @Value("${shipping.free-threshold-cents:5000}") long freeShippingThresholdCents) {
        this.shipmentRepository = shipmentRepository;
        this.rateProvider = rateProvider;
        this.freeShippingThresholdCents = freeShippingThresholdCents;
    }

    public record Quote(String carrier, Money price) {
    }

    /**
     * Cheapest quote for a parcel. Domestic orders above the free-shipping threshold ship for free
     * with the cheapest carrier.
     */
    public Quote cheapestQuote(int weightGrams, String country, Money orderTotal) {
        Map<String, Money> quotes = rateProvider.quotes(weightGrams, country);
        if (quotes.isEmpty()) {
            throw new BusinessRuleException("NO_CARRIER", "No carrier ships to " + country);
        }
        Map.Entry<String, Money> best = null;
        for (Map.Entry<String, Money> entry : quotes.entrySet()) {
            if (best == null || best.getValue().isGreaterThan(entry.getValue())) {
                best = entry;
            }
        }
        boolean free = HOME_COUNTRY.equals(country) && orderTotal.getCents() >= freeShippingThresholdCents;
        return new Quote(best.getKey(), free ? Money.zero(orderTotal.getCurrency()) : best.getValue());
    }

    /**
     * Splits item weights into parcels of at most {@value #MAX_PARCEL_GRAMS} grams using
     * first-fit decreasing. Returns the weight of each parcel.
     */
    public static List<Integer> splitIntoParcels(List<Integer> itemWeights) {
        List<Integer> sorted = new ArrayList<>(itemWeights);
        sorted.sort((a, b) -> Integer.compare(b, a));
        List<Integer> parcels = new ArrayList<>();
        for (int weight : sorted) {
            if (weight > MAX_PARCEL_GRAMS) {
                throw new BusinessRuleException("ITEM_TOO_HEAVY", "Item of " + weight + "g needs freight shipping");
            }
            int target = -1;
            for (int i = 0; i < parcels.size() && target < 0; i++) {
                if (parcels.get(i) + weight <= MAX_PARCEL_GRAMS) {
                    target = i;
                }
            }
            if (target < 0) {
                parcels.add(weight);
            } else {
                parcels.set(target, parcels.get(target) + weight);
            }
        }
        return parcels;
    }

    /**
     * Adds business days to a date, skipping Saturdays and Sundays.
     */
    public static LocalDate addBusinessDays(LocalDate start, int businessDays) {
        LocalDate date = start;
        int added = 0;
        while (added < businessDays) {
            date = date.plusDays(1);
            if (date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY) {
                added++;
            }
        }
        return date;
    }

    /**
     * Hands a shipment over to the carrier and computes the promised delivery date.
     */
    @Transactional
    public Shipment dispatch(long shipmentId, String trackingNumber, LocalDate today) {
        Shipment shipment = shipmentRepository.findById(shipmentId)
                .orElseThrow(() -> new NotFoundException("Shipment", shipmentId));
        if (shipment.getStatus() != ShipmentStatus.CREATED) {
            throw new InvalidStateTransitionException("Shipment " + shipmentId, shipment.getStatus(), ShipmentStatus.IN_TRANSIT);
        }
        int days = rateProvider.transitDays(shipment.getCarrier(), shipment.getDestinationCountry());
        shipment.setTrackingNumber(trackingNumber);
        shipment.setShippedOn(today);
        shipment.setPromisedBy(addBusinessDays(today, days));
        shipment.setStatus(ShipmentStatus.IN_TRANSIT);
        return shipmentRepository.save(shipment);
    }

    /**
     * Records the carrier's delivery scan for a tracking number.
     */
    @Transactional
    public Shipment recordDelivery(String trackingNumber, LocalDate deliveredOn) {
        Shipment shipment = shipmentRepository.findByTrackingNumber(trackingNumber)
                .orElseThrow(() -> new NotFoundException("Shipment with tracking", trackingNumber));
        if (shipment.getStatus() != ShipmentStatus.IN_TRANSIT) {
            throw new InvalidStateTransitionException("Shipment " + shipment.getId(), shipment.getStatus(), ShipmentStatus.DELIVERED);
        }
        if (deliveredOn.isBefore(shipment.getShippedOn())) {
            throw new BusinessRuleException("DELIVERY_BEFORE_SHIPPING", "Delivery date precedes shipping date");
        }
        shipment.setDeliveredOn(deliveredOn);
        shipment.setStatus(ShipmentStatus.DELIVERED);
        return shipmentRepository.save(shipment);
    }

    /**
     * Percentage of delivered shipments that arrived on or before the promised date.
     */
    public double onTimeRate(List<Shipment> shipments) {
        int delivered = 0;
        int onTime = 0;
        for (Shipment s : shipments) {
            if (s.getStatus() == ShipmentStatus.DELIVERED) {
                delivered++;
                if (!s.getDeliveredOn().isAfter(s.getPromisedBy())) {
                    onTime++;
                }
            }
        }
        return delivered == 0 ? 100.0 : onTime * 100.0 / delivered;
    }

    public List<Shipment> overdueShipments(LocalDate today) {
        return shipmentRepository.findOverdue(today);
    }
}
