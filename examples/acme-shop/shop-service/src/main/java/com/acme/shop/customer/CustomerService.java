package com.acme.shop.customer;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.NotFoundException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customer accounts, contact data and GDPR operations.
 */
@Service
public class CustomerService {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$");

    private static final Map<String, Pattern> POSTAL_CODES = Map.of(
            "US", Pattern.compile("\\d{5}(-\\d{4})?"),
            "GB", Pattern.compile("[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}"),
            "DE", Pattern.compile("\\d{5}"),
            "NL", Pattern.compile("\\d{4} ?[A-Z]{2}"));

    private final CustomerRepository customerRepository;

    public CustomerService(CustomerRepository customerRepository) {
        this.customerRepository = customerRepository;
    }

    /**
     * Registers a customer; the e-mail is trimmed, lower-cased and must be unique.
     */
    @Transactional
    public Customer register(String email, String fullName) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(normalized).matches()) {
            throw new BusinessRuleException("INVALID_EMAIL", "Not a valid e-mail address");
        }
        if (customerRepository.existsByEmailIgnoreCase(normalized)) {
            throw new BusinessRuleException("EMAIL_TAKEN", "An account already exists for this e-mail");
        }
        if (fullName == null || fullName.isBlank()) {
            throw new BusinessRuleException("NAME_REQUIRED", "Full name is required");
        }
        return customerRepository.save(new Customer(normalized, fullName.trim()));
    }

    public Customer getCustomer(long id) {
        return customerRepository.findById(id)
                .orElseThrow(() -> new NotFoundException("Customer", id));
    }

    /**
     * Replaces the customer's address after validating the postal code for known countries.
     */
    @Transactional
    public Customer updateAddress(long customerId, Address address) {
        Customer customer = getCustomer(customerId);
        String country = address.getCountry().toUpperCase(Locale.ROOT);
        Pattern postal = POSTAL_CODES.get(country);
        if (postal != null && !postal.matcher(address.getPostalCode().toUpperCase(Locale.ROOT)).matches()) {
            throw new BusinessRuleException("INVALID_POSTAL_CODE",
                    "Postal code " + address.getPostalCode() + " is not valid for " + country);
        }
        customer.setAddress(address);
        return customerRepository.save(customer);
    }

    /**
     * Normalises a phone number to E.164: strips spaces, dashes and parentheses and converts a
     * leading "00" into "+". Numbers without a country prefix are rejected.
     */
    public static String normalizePhone(String raw) {
        if (raw == null) {
            throw new BusinessRuleException("INVALID_PHONE", "Phone number is missing");
        }
        String digits = raw.replaceAll("[\\s\\-()./]", "");
        if (digits.startsWith("00")) {
            digits = "+" + digits.substring(2);
        }
        if (!digits.matches("\\+[1-9]\\d{6,14}")) {
            throw new BusinessRuleException("INVALID_PHONE", "Phone number must include a country code");
        }
        return digits;
    }

    @Transactional
    public Customer updatePhone(long customerId, String phone) {
        Customer customer = getCustomer(customerId);
        customer.setPhone(normalizePhone(phone));
        return customerRepository.save(customer);
    }

    /**
     * GDPR erasure: removes personal data but keeps the row so historic orders stay consistent.
     */
    @Transactional
    public void anonymize(long customerId) {
        Customer customer = getCustomer(customerId);
        if (customer.isAnonymized()) {
            throw new BusinessRuleException("ALREADY_ANONYMIZED", "Customer " + customerId + " is already anonymized");
        }
        customer.setEmail("deleted-" + customerId + "@invalid.acme");
        customer.setFullName("Deleted customer");
        customer.setPhone(null);
        customer.setAddress(null);
        customer.setMarketingOptIn(false);
        customer.setAnonymized(true);
        customerRepository.save(customer);
    }

    /**
     * Recipients for the newsletter: opted-in, not blocked, with a unique e-mail (case-insensitive).
     */
    public List<String> newsletterRecipients() {
        return customerRepository.findByMarketingOptInTrueAndBlockedFalse().stream()
                .filter(c -> !c.isAnonymized())
                .map(c -> c.getEmail().toLowerCase(Locale.ROOT))
                .distinct()
                .sorted()
                .toList();
    }
}
