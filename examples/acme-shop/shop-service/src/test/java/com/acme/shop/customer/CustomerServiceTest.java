package com.acme.shop.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * @author Dana Whitfield <dana.whitfield@acme-shop.example>
 */
class CustomerServiceTest {

    private CustomerRepository customerRepository;
    private CustomerService customerService;

    @BeforeEach
    void setUp() {
        customerRepository = mock(CustomerRepository.class);
        when(customerRepository.save(any(Customer.class))).thenAnswer(invocation -> invocation.getArgument(0));
        customerService = new CustomerService(customerRepository);
    }

    /** Fixture copied from a support ticket (SHOP-388). */
    private Customer eleanor() {
        Customer customer = new Customer("eleanor.vance@example.org", "Eleanor Vance");
        customer.setId(1042L);
        customer.setPhone("+44 20 7946 0958");
        customer.setAddress(new Address("27 Birchwood Lane", "Hatfield", "AL10 9QB", "GB"));
        customer.setMarketingOptIn(true);
        when(customerRepository.findById(1042L)).thenReturn(Optional.of(customer));
        return customer;
    }

    @Test
    void register_normalizesEmail() {
        Customer customer = customerService.register("  Tom.Becker@Example.COM ", "Tom Becker");

        assertEquals("tom.becker@example.com", customer.getEmail());
    }

    @Test
    void register_rejectsTakenEmail() {
        when(customerRepository.existsByEmailIgnoreCase("eleanor.vance@example.org")).thenReturn(true);

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> customerService.register("Eleanor.Vance@example.org", "Eleanor Vance"));

        assertEquals("EMAIL_TAKEN", ex.getCode());
    }

    @Test
    void register_rejectsAddressWithoutDomain() {
        assertThrows(BusinessRuleException.class, () -> customerService.register("eleanor@localhost", "Eleanor"));
    }

    @Test
    void updateAddress_rejectsInvalidUkPostcode() {
        eleanor();

        BusinessRuleException ex = assertThrows(BusinessRuleException.class, () -> customerService.updateAddress(1042L,
                new Address("27 Birchwood Lane", "Hatfield", "12345", "gb")));

        assertEquals("INVALID_POSTAL_CODE", ex.getCode());
    }

    @Test
    void updateAddress_acceptsUnknownCountryWithoutCheck() {
        eleanor();

        Customer updated = customerService.updateAddress(1042L, new Address("Rua Augusta 1", "Lisboa", "1100-048", "PT"));

        assertEquals("Lisboa", updated.getAddress().getCity());
    }

    @Test
    void normalizePhone_convertsDoubleZeroPrefix() {
        assertEquals("+442079460958", CustomerService.normalizePhone("0044 20 7946 0958"));
    }

    @Test
    void normalizePhone_rejectsNumberWithoutCountryCode() {
        assertThrows(BusinessRuleException.class, () -> CustomerService.normalizePhone("(415) 555-0134"));
    }

    @Test
    void updatePhone_storesE164() {
        eleanor();

        Customer updated = customerService.updatePhone(1042L, "+1 415 555 0134");

        assertEquals("+14155550134", updated.getPhone());
    }

    @Test
    void anonymize_removesPersonalData() {
        Customer customer = eleanor();

        customerService.anonymize(1042L);

        assertEquals("deleted-1042@invalid.acme", customer.getEmail());
        assertNull(customer.getPhone());
        assertNull(customer.getAddress());
        assertTrue(customer.isAnonymized());
    }

    @Test
    void anonymize_twiceIsRejected() {
        Customer customer = eleanor();
        customer.setAnonymized(true);

        assertThrows(BusinessRuleException.class, () -> customerService.anonymize(1042L));
    }

    @Test
    void newsletterRecipients_deduplicatesCaseInsensitively() {
        Customer a = new Customer("Zoe@example.net", "Zoe");
        Customer b = new Customer("zoe@example.net", "Zoe (old account)");
        Customer c = new Customer("adam@example.net", "Adam");
        when(customerRepository.findByMarketingOptInTrueAndBlockedFalse()).thenReturn(List.of(a, b, c));

        assertEquals(List.of("adam@example.net", "zoe@example.net"), customerService.newsletterRecipients());
    }
}
