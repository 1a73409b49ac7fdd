package com.acme.shop.promotion;

import com.acme.shop.common.Money;
import java.net.URI;
import java.time.LocalDate;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/promotions")
public class PromotionController {

    private final PromotionService promotionService;

    public PromotionController(PromotionService promotionService) {
        this.promotionService = promotionService;
    }

    public record CreatePromotion(String code, DiscountType type, long value, LocalDate validFrom, LocalDate validUntil) {
    }

    @PostMapping
    public ResponseEntity<Promotion> create(@RequestBody CreatePromotion request) {
        Promotion promotion = promotionService.create(request.code(), request.type(), request.value(),
                request.validFrom(), request.validUntil());
        return ResponseEntity.created(URI.create("/api/promotions/" + promotion.getCode())).body(promotion);
    }

    @GetMapping("/{code}/discount")
    public Map<String, String> previewDiscount(@PathVariable String code,
                                               @RequestParam String subtotal,
                                               @RequestParam(defaultValue = "USD") String currency) {
        Money basket = Money.parse(subtotal, currency);
        Promotion promotion = promotionService.validate(code, basket, LocalDate.now());
        return Map.of("code", promotion.getCode(), "discount", PromotionService.discountFor(promotion, basket).toString());
    }

    @DeleteMapping("/{code}")
    public ResponseEntity<Void> end(@PathVariable String code) {
        promotionService.endNow(code, LocalDate.now());
        return ResponseEntity.noContent().build();
    }
}
