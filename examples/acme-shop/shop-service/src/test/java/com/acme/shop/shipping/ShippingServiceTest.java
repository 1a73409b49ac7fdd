package com.acme.shop.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.Money;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShippingServiceTest {

    private ShipmentRepository shipmentRepository;
    private FakeRateProvider rates;
    private ShippingService shippingService;

    @BeforeEach
    void setUp() {
        shipmentRepository = mock(ShipmentRepository.class);
        when(shipmentRepository.save(any(Shipment.class))).thenAnswer(invocation -> invocation.getArgument(0));
        rates = new FakeRateProvider();
        shippingService = new ShippingService(shipmentRepository, rates, 5_000);
    }

    @Test
    void cheapestQuote_picksLowestCarrier() {
        rates.with("UPS", 1_250).with("USPS", 890).with("FEDEX", 1_400);

        ShippingService.Quote quote = shippingService.cheapestQuote(1_200, "CA", Money.ofCents(9_900, "USD"));

        assertEquals("USPS", quote.carrier());
        assertEquals(Money.ofCents(890, "USD"), quote.price());
    }

    @Test
    void cheapestQuote_domesticOrderAboveThresholdShipsFree() {
        rates.with("USPS", 890);

        ShippingService.Quote quote = shippingService.cheapestQuote(1_200, "US", Money.ofCents(5_000, "USD"));

        assertEquals(Money.zero("USD"), quote.price());
    }

    @Test
    void cheapestQuote_failsWithoutCarrier() {
        assertThrows(BusinessRuleException.class,
                () -> shippingService.cheapestQuote(500, "KP", Money.ofCents(1_000, "USD")));
    }

    @Test
    void splitIntoParcels_usesFirstFitDecreasing() {
        List<Integer> parcels = ShippingService.splitIntoParcels(List.of(3_000, 12_000, 7_000, 9_000));

        assertEquals(List.of(19_000, 12_000), parcels);
    }

    @Test
    void splitIntoParcels_rejectsFreightItems() {
        assertThrows(BusinessRuleException.class, () -> ShippingService.splitIntoParcels(List.of(20_001)));
    }

    @Test
    void addBusinessDays_skipsWeekend() {
        LocalDate friday = LocalDate.of(2024, 5, 10);

        assertEquals(LocalDate.of(2024, 5, 13), ShippingService.addBusinessDays(friday, 1));
        assertEquals(LocalDate.of(2024, 5, 15), ShippingService.addBusinessDays(friday, 3));
    }

    @Test
    void dispatch_setsPromisedDeliveryDate() {
        Shipment shipment = new Shipment(42L, "UPS", 1_200, "US");
        when(shipmentRepository.findById(5L)).thenReturn(Optional.of(shipment));

        Shipment dispatched = shippingService.dispatch(5L, "1Z999AA10123456784", LocalDate.of(2024, 5, 9));

        assertEquals(ShipmentStatus.IN_TRANSIT, dispatched.getStatus());
        assertEquals(LocalDate.of(2024, 5, 13), dispatched.getPromisedBy());
    }

    @Test
    void dispatch_twiceIsRejected() {
        Shipment shipment = new Shipment(42L, "UPS", 1_200, "US");
        shipment.setStatus(ShipmentStatus.IN_TRANSIT);
        when(shipmentRepository.findById(5L)).thenReturn(Optional.of(shipment));

        assertThrows(InvalidStateTransitionException.class,
                () -> shippingService.dispatch(5L, "1Z999AA10123456784", LocalDate.of(2024, 5, 9)));
    }

    @Test
    void recordDelivery_rejectsDateBeforeShipping() {
        Shipment shipment = new Shipment(42L, "UPS", 1_200, "US");
        shipment.setStatus(ShipmentStatus.IN_TRANSIT);
        shipment.setShippedOn(LocalDate.of(2024, 5, 9));
        when(shipmentRepository.findByTrackingNumber("1Z999AA10123456784")).thenReturn(Optional.of(shipment));

        assertThrows(BusinessRuleException.class,
                () -> shippingService.recordDelivery("1Z999AA10123456784", LocalDate.of(2024, 5, 8)));
    }

    @Test
    void onTimeRate_countsOnlyDeliveredShipments() {
        Shipment onTime = delivered(LocalDate.of(2024, 5, 13), LocalDate.of(2024, 5, 13));
        Shipment late = delivered(LocalDate.of(2024, 5, 13), LocalDate.of(2024, 5, 15));
        Shipment inTransit = new Shipment(3L, "UPS", 100, "US");

        assertEquals(50.0, shippingService.onTimeRate(List.of(onTime, late, inTransit)), 1e-9);
    }

    private static Shipment delivered(LocalDate promised, LocalDate actual) {
        Shipment shipment = new Shipment(1L, "USPS", 500, "US");
        shipment.setPromisedBy(promised);
        shipment.setDeliveredOn(actual);
        shipment.setStatus(ShipmentStatus.DELIVERED);
        return shipment;
    }
}
