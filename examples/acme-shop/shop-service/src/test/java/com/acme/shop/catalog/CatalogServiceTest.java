package com.acme.shop.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CatalogServiceTest {

    private ProductRepository productRepository;
    private CatalogService catalogService;

    @BeforeEach
    void setUp() {
        productRepository = mock(ProductRepository.class);
        when(productRepository.save(any(Product.class))).thenAnswer(invocation -> invocation.getArgument(0));
        catalogService = new CatalogService(productRepository);
    }

    private static Product product(long id, String sku, String name, long cents) {
        Product product = new Product(sku, name, "toys", Money.ofCents(cents, "USD"));
        product.setId(id);
        return product;
    }

    @Test
    void createProduct_rejectsInvalidSku() {
        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> catalogService.createProduct("TOY-123456-9", "Robot", "toys", Money.ofCents(1999, "USD")));

        assertEquals("INVALID_SKU", ex.getCode());
    }

    @Test
    void createProduct_rejectsDuplicateSku() {
        when(productRepository.existsBySku("TOY-123456-1")).thenReturn(true);

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> catalogService.createProduct("TOY-123456-1", "Robot", "toys", Money.ofCents(1999, "USD")));

        assertEquals("DUPLICATE_SKU", ex.getCode());
    }

    @Test
    void createProduct_normalizesCategoryAndName() {
        Product created = catalogService.createProduct("TOY-123456-1", "  Robot Kit ", " Toys ", Money.ofCents(1999, "USD"));

        assertEquals("toys", created.getCategory());
        assertEquals("Robot Kit", created.getName());
    }

    @Test
    void updatePrice_refusesJumpAboveGuardRail() {
        when(productRepository.findById(1L)).thenReturn(Optional.of(product(1, "TOY-123456-1", "Robot", 1000)));

        assertThrows(BusinessRuleException.class, () -> catalogService.updatePrice(1L, Money.ofCents(1600, "USD")));
    }

    @Test
    void updatePrice_acceptsModerateChange() {
        when(productRepository.findById(1L)).thenReturn(Optional.of(product(1, "TOY-123456-1", "Robot", 1000)));

        Product updated = catalogService.updatePrice(1L, Money.ofCents(1400, "USD"));

        assertEquals(1400, updated.getPrice().getCents());
    }

    @Test
    void deactivateProduct_skipsSaveWhenAlreadyInactive() {
        Product inactive = product(3, "TOY-000042-6", "Kite", 500);
        inactive.setActive(false);
        when(productRepository.findById(3L)).thenReturn(Optional.of(inactive));

        catalogService.deactivateProduct(3L);

        verify(productRepository, never()).save(any());
    }

    @Test
    void search_rejectsSingleCharacterQuery() {
        assertThrows(BusinessRuleException.class, () -> catalogService.search(" a "));
    }

    @Test
    void search_filtersInactiveAndSortsByName() {
        Product zebra = product(1, "TOY-000001-9", "zebra plush", 900);
        Product alpaca = product(2, "TOY-000002-8", "Alpaca plush", 900);
        Product hidden = product(3, "TOY-000003-7", "Bear plush", 900);
        hidden.setActive(false);
        when(productRepository.findByNameContainingIgnoreCase("plush")).thenReturn(List.of(zebra, hidden, alpaca));

        List<Product> result = catalogService.search("plush");

        assertEquals(List.of(alpaca, zebra), result);
    }

    @Test
    void repriceCategory_roundsEachPrice() {
        Product a = product(1, "TOY-000001-9", "Yo-yo", 1000);
        Product b = product(2, "TOY-000002-8", "Top", 999);
        when(productRepository.findByCategoryAndActiveTrue("toys")).thenReturn(List.of(a, b));

        int touched = catalogService.repriceCategory("toys", -10);

        assertEquals(2, touched);
        assertEquals(900, a.getPrice().getCents());
        assertEquals(899, b.getPrice().getCents());
    }

    @Test
    void cheapestInCategory_picksLowestPrice() {
        Product a = product(1, "TOY-000001-9", "Yo-yo", 1000);
        Product b = product(2, "TOY-000002-8", "Top", 450);
        when(productRepository.findByCategoryAndActiveTrue("toys")).thenReturn(List.of(a, b));

        assertEquals(Optional.of(b), catalogService.cheapestInCategory("toys"));
    }
}
