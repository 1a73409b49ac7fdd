package com.acme.shop.inventory;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/inventory")
public class InventoryController {

    private final InventoryService inventoryService;

    public InventoryController(InventoryService inventoryService) {
        this.inventoryService = inventoryService;
    }

    public record Receipt(int quantity) {
    }

    public record CycleCount(int countedUnits, boolean supervisorApproved) {
    }

    @GetMapping("/{sku}")
    public Map<String, Object> availability(@PathVariable String sku) {
        int units = inventoryService.availableUnits(sku);
        return Map.of("sku", sku, "available", units, "inStock", units > 0);
    }

    @PostMapping("/{sku}/warehouses/{warehouse}/receipts")
    public StockItem receive(@PathVariable String sku, @PathVariable String warehouse, @RequestBody Receipt receipt) {
        return inventoryService.receive(sku, warehouse, receipt.quantity());
    }

    @PutMapping("/{sku}/warehouses/{warehouse}/count")
    public Map<String, Integer> cycleCount(@PathVariable String sku, @PathVariable String warehouse, @RequestBody CycleCount count) {
        int difference = inventoryService.applyCycleCount(sku, warehouse, count.countedUnits(), count.supervisorApproved());
        return Map.of("difference", difference);
    }

    @GetMapping("/reorder-suggestions")
    public List<ReorderSuggestion> reorderSuggestions() {
        return inventoryService.reorderSuggestions();
    }
}
