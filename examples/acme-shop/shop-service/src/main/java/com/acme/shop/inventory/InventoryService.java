package com.acme.shop.inventory;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.NotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stock levels per SKU and warehouse, reservations for open orders, and reordering.
 */
@Service
public class InventoryService {

    /** Cycle count differences above this many units must be approved by a supervisor. */
    static final int MAX_UNAPPROVED_ADJUSTMENT = 25;

    private final StockItemRepository stockItemRepository;

    public InventoryService(StockItemRepository stockItemRepository) {
        this.stockItemRepository = stockItemRepository;
    }

    /**
     * Books incoming goods into a warehouse, creating the stock row on first receipt.
     */
    @Transactional
    public StockItem receive(String sku, String warehouse, int quantity) {
        if (quantity <= 0) {
            throw new BusinessRuleException("INVALID_QUANTITY", "Received quantity must be positive");
        }
        StockItem item = stockItemRepository.findBySkuAndWarehouse(sku, warehouse)
                .orElseGet(() -> new StockItem(sku, warehouse, 0, 5, 20));
        item.setOnHand(item.getOnHand() + quantity);
        return stockItemRepository.save(item);
    }

    /**
     * Reserves stock for an order, spreading the reservation over warehouses starting with
     * the one that has the most available units.
     */
    @Transactional
    public List<StockItem> reserve(String sku, int quantity) {
        List<StockItem> items = new ArrayList<>(stockItemRepository.findBySku(sku));
        int totalAvailable = items.stream().mapToInt(StockItem::available).sum();
        if (totalAvailable < quantity) {
            throw new InsufficientStockException(sku, quantity, totalAvailable);
        }
        items.sort(Comparator.comparingInt(StockItem::available).reversed());
        int remaining = quantity;
        List<StockItem> touched = new ArrayList<>();
        for (StockItem item : items) {
            int take = Math.min(remaining, item.available());
            if (take > 0) {
                item.setReserved(item.getReserved() + take);
                touched.add(item);
                remaining -= take;
            }
        }
        return stockItemRepository.saveAll(touched);
    }

    /**
     * Releases a reservation from one warehouse, e.g. when an order is cancelled.
     */
    @Transactional
    public StockItem release(String sku, String warehouse, int quantity) {
        StockItem item = stockItemRepository.findBySkuAndWarehouse(sku, warehouse)
                .orElseThrow(() -> new NotFoundException("Stock item", sku + "@" + warehouse));
        if (quantity > item.getReserved()) {
            throw new BusinessRuleException("OVER_RELEASE", "Cannot release more than is reserved");
        }
        item.setReserved(item.getReserved() - quantity);
        return stockItemRepository.save(item);
    }

    /**
     * Moves units between two warehouses. Only unreserved stock can be transferred.
     */
    @Transactional
    public void transfer(String sku, String fromWarehouse, String toWarehouse, int quantity) {
        if (fromWarehouse.equals(toWarehouse)) {
            throw new BusinessRuleException("SAME_WAREHOUSE", "Source and target warehouse are identical");
        }
        StockItem source = stockItemRepository.findBySkuAndWarehouse(sku, fromWarehouse)
                .orElseThrow(() -> new NotFoundException("Stock item", sku + "@" + fromWarehouse));
        if (source.available() < quantity) {
            throw new InsufficientStockException(sku, quantity, source.available());
        }
        source.setOnHand(source.getOnHand() - quantity);
        stockItemRepository.save(source);
        receive(sku, toWarehouse, quantity);
    }

    /**
     * Applies a physical cycle count. Large differences need supervisor approval.
     * Returns the signed difference that was booked.
     */
    @Transactional
    public int applyCycleCount(String sku, String warehouse, int countedUnits, boolean supervisorApproved) {
        StockItem item = stockItemRepository.findBySkuAndWarehouse(sku, warehouse)
                .orElseThrow(() -> new NotFoundException("Stock item", sku + "@" + warehouse));
        int difference = countedUnits - item.getOnHand();
        if (Math.abs(difference) > MAX_UNAPPROVED_ADJUSTMENT && !supervisorApproved) {
            throw new BusinessRuleException("APPROVAL_REQUIRED", "Difference of " + difference + " units needs approval");
        }
        if (countedUnits < item.getReserved()) {
            throw new BusinessRuleException("COUNT_BELOW_RESERVED", "Counted stock is lower than reserved stock");
        }
        item.setOnHand(countedUnits);
        stockItemRepository.save(item);
        return difference;
    }

    /**
     * Suggests purchase quantities for every stock row at or below its reorder point, enough
     * to get back above the reorder point plus the configured reorder quantity.
     */
    public List<ReorderSuggestion> reorderSuggestions() {
        List<ReorderSuggestion> suggestions = new ArrayList<>();
        for (StockItem item : stockItemRepository.findBelowReorderPoint()) {
            int shortfall = item.getReorderPoint() - item.available();
            int quantity = Math.max(0, shortfall) + item.getReorderQuantity();
            suggestions.add(new ReorderSuggestion(item.getSku(), item.getWarehouse(), quantity));
        }
        suggestions.sort(Comparator.comparingInt(ReorderSuggestion::quantity).reversed());
        return suggestions;
    }

    public int availableUnits(String sku) {
        return stockItemRepository.findBySku(sku).stream().mapToInt(StockItem::available).sum();
    }
}
