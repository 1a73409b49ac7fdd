package com.acme.shop.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InventoryServiceTest {

    private static final String SKU = "TOY-123456-1";

    private StockItemRepository repository;
    private InventoryService inventoryService;

    @BeforeEach
    void setUp() {
        repository = mock(StockItemRepository.class);
        when(repository.save(any(StockItem.class))).thenAnswer(invocation -> invocation.getArgument(0));
        when(repository.saveAll(any())).thenAnswer(invocation -> invocation.getArgument(0));
        inventoryService = new InventoryService(repository);
    }

    private StockItem stock(String warehouse, int onHand, int reserved) {
        StockItem item = new StockItem(SKU, warehouse, onHand, 5, 20);
        item.setReserved(reserved);
        when(repository.findBySkuAndWarehouse(SKU, warehouse)).thenReturn(Optional.of(item));
        return item;
    }

    @Test
    void receive_createsStockRowOnFirstReceipt() {
        when(repository.findBySkuAndWarehouse(SKU, "RNO")).thenReturn(Optional.empty());

        StockItem item = inventoryService.receive(SKU, "RNO", 12);

        assertEquals(12, item.getOnHand());
        assertEquals("RNO", item.getWarehouse());
    }

    @Test
    void receive_rejectsZeroQuantity() {
        assertThrows(BusinessRuleException.class, () -> inventoryService.receive(SKU, "RNO", 0));
    }

    @Test
    void reserve_startsWithBestStockedWarehouse() {
        StockItem reno = stock("RNO", 5, 0);
        StockItem newark = stock("EWR", 8, 0);
        when(repository.findBySku(SKU)).thenReturn(List.of(reno, newark));

        List<StockItem> touched = inventoryService.reserve(SKU, 10);

        assertEquals(List.of(newark, reno), touched);
        assertEquals(8, newark.getReserved());
        assertEquals(2, reno.getReserved());
    }

    @Test
    void reserve_reportsAvailableUnitsWhenShort() {
        StockItem reno = stock("RNO", 5, 2);
        when(repository.findBySku(SKU)).thenReturn(List.of(reno));

        InsufficientStockException ex = assertThrows(InsufficientStockException.class,
                () -> inventoryService.reserve(SKU, 4));

        assertEquals(3, ex.getAvailable());
    }

    @Test
    void release_cannotReleaseMoreThanReserved() {
        stock("RNO", 10, 2);

        assertThrows(BusinessRuleException.class, () -> inventoryService.release(SKU, "RNO", 3));
    }

    @Test
    void transfer_rejectsSameWarehouse() {
        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> inventoryService.transfer(SKU, "RNO", "RNO", 1));

        assertEquals("SAME_WAREHOUSE", ex.getCode());
    }

    @Test
    void transfer_movesUnreservedUnits() {
        StockItem reno = stock("RNO", 10, 4);
        StockItem newark = stock("EWR", 1, 0);

        inventoryService.transfer(SKU, "RNO", "EWR", 6);

        assertEquals(4, reno.getOnHand());
        assertEquals(7, newark.getOnHand());
    }

    @Test
    void applyCycleCount_requiresApprovalForLargeDifference() {
        stock("RNO", 100, 0);

        assertThrows(BusinessRuleException.class, () -> inventoryService.applyCycleCount(SKU, "RNO", 60, false));
    }

    @Test
    void applyCycleCount_returnsSignedDifference() {
        StockItem item = stock("RNO", 100, 0);

        int difference = inventoryService.applyCycleCount(SKU, "RNO", 90, false);

        assertEquals(-10, difference);
        assertEquals(90, item.getOnHand());
    }

    @Test
    void reorderSuggestions_coverShortfallPlusReorderQuantity() {
        StockItem low = new StockItem(SKU, "RNO", 3, 5, 20);
        StockItem empty = new StockItem("TOY-000042-6", "RNO", 0, 10, 50);
        when(repository.findBelowReorderPoint()).thenReturn(List.of(low, empty));

        List<ReorderSuggestion> suggestions = inventoryService.reorderSuggestions();

        assertEquals(List.of(
                new ReorderSuggestion("TOY-000042-6", "RNO", 60),
                new ReorderSuggestion(SKU, "RNO", 22)), suggestions);
    }
}
