package com.acme.shop.catalog;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.acme.shop.common.Money;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

class ProductControllerTest {

    private CatalogService catalogService;
    private MockMvc mockMvc;

    @BeforeEach
    void setUp() {
        catalogService = mock(CatalogService.class);
        mockMvc = MockMvcBuilders.standaloneSetup(new ProductController(catalogService)).build();
    }

    @Test
    void createProduct_returnsLocationHeader() throws Exception {
        Product created = new Product("TOY-123456-1", "Robot", "toys", Money.ofCents(1999, "USD"));
        created.setId(77L);
        when(catalogService.createProduct(eq("TOY-123456-1"), eq("Robot"), eq("toys"), any(Money.class))).thenReturn(created);

        mockMvc.perform(post("/api/products")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sku\":\"TOY-123456-1\",\"name\":\"Robot\",\"category\":\"toys\",\"price\":\"19.99\",\"currency\":\"USD\"}"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/products/77"));
    }

    @Test
    void deactivate_returnsNoContent() throws Exception {
        mockMvc.perform(delete("/api/products/77"))
                .andExpect(status().isNoContent());

        verify(catalogService).deactivateProduct(77L);
    }
}
