package com.acme.shop.shipping;

import com.acme.shop.common.Money;
import java.time.LocalDate;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/shipments")
public class ShipmentController {

    private final ShippingService shippingService;

    public ShipmentController(ShippingService shippingService) {
        this.shippingService = shippingService;
    }

    public record DispatchRequest(String trackingNumber) {
    }

    @GetMapping("/quotes")
    public ShippingService.Quote quote(@RequestParam int weightGrams,
                                       @RequestParam String country,
                                       @RequestParam String orderTotal,
                                       @RequestParam(defaultValue = "USD") String currency) {
        Money total = Money.parse(orderTotal, currency);
        return shippingService.cheapestQuote(weightGrams, country, total);
    }

    @PutMapping("/{id}/dispatch")
    public Shipment dispatch(@PathVariable long id, @RequestBody DispatchRequest request) {
        return shippingService.dispatch(id, request.trackingNumber(), LocalDate.now());
    }

    @PutMapping("/tracking/{trackingNumber}/delivery")
    public Shipment recordDelivery(@PathVariable String trackingNumber) {
        return shippingService.recordDelivery(trackingNumber, LocalDate.now());
    }

    @GetMapping("/overdue")
    public List<Shipment> overdue() {
        return shippingService.overdueShipments(LocalDate.now());
    }
}
