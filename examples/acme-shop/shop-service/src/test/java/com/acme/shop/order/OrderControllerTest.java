package com.acme.shop.order;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

class OrderControllerTest {

    // Visibly fake token (payload {"sub":"fake"}, made-up signature); signature is not verified in tests.
    private static final String BEARER =
            "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlIn0.FAKE_SIGNATURE_NOT_VALID";

    private OrderService orderService;
    private MockMvc mockMvc;

    @BeforeEach
    void setUp() {
        orderService = mock(OrderService.class);
        mockMvc = MockMvcBuilders.standaloneSetup(new OrderController(orderService)).build();
    }

    @Test
    void getOrder_returnsOrderJson() throws Exception {
        Order order = new Order(1042L, "USD");
        order.setId(42L);
        order.addLine(new OrderLine("TOY-123456-1", "Robot", Money.ofCents(1_999, "USD"), 1));
        when(orderService.getOrder(42L)).thenReturn(order);

        mockMvc.perform(get("/api/orders/42").header("Authorization", BEARER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(42))
                .andExpect(jsonPath("$.status").value("PLACED"));
    }

    @Test
    void getOrder_unknownIdIsNotFound() throws Exception {
        when(orderService.getOrder(404L)).thenThrow(new NotFoundException("Order", 404L));

        mockMvc.perform(get("/api/orders/404").header("Authorization", BEARER))
                .andExpect(status().isNotFound());
    }

    @Test
    void cancelOrder_passesReason() throws Exception {
        Order order = new Order(1042L, "USD");
        order.setId(42L);
        order.transitionTo(OrderStatus.CANCELLED);
        when(orderService.cancelOrder(42L, "Found it cheaper")).thenReturn(order);

        mockMvc.perform(delete("/api/orders/42").param("reason", "Found it cheaper").header("Authorization", BEARER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("CANCELLED"));
    }
}
