package com.acme.shop.customer;

import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/customers")
public class CustomerController {

    private final CustomerService customerService;

    public CustomerController(CustomerService customerService) {
        this.customerService = customerService;
    }

    public record RegistrationRequest(String email, String fullName) {
    }

    public record AddressRequest(String street, String city, String postalCode, String country) {
    }

    @GetMapping("/{id}")
    public Customer getCustomer(@PathVariable long id) {
        return customerService.getCustomer(id);
    }

    @PostMapping
    public ResponseEntity<Customer> register(@RequestBody RegistrationRequest request) {
        Customer customer = customerService.register(request.email(), request.fullName());
        return ResponseEntity.created(URI.create("/api/customers/" + customer.getId())).body(customer);
    }

    @PutMapping("/{id}/address")
    public Customer updateAddress(@PathVariable long id, @RequestBody AddressRequest request) {
        Address address = new Address(request.street(), request.city(), request.postalCode(), request.country());
        return customerService.updateAddress(id, address);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> anonymize(@PathVariable long id) {
        customerService.anonymize(id);
        return ResponseEntity.noContent().build();
    }
}
