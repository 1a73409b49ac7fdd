package com.acme.shop.customer;

import jakarta.persistence.Embeddable;

@Embeddable
public class Address {

    private String street;
    private String city;
    private String postalCode;
    private String country;

    protected Address() {
    }

    public Address(String street, String city, String postalCode, String country) {
        this.street = street;
        this.city = city;
        this.postalCode = postalCode;
        this.country = country;
    }

    /**
     * Single-line label used on invoices and shipping labels.
     */
    public String toLabel() {
        StringBuilder sb = new StringBuilder(street).append(", ");
        sb.append(postalCode).append(' ').append(city);
        return sb.append(", ").append(country).toString();
    }

    public String getStreet() {
        return street;
    }

    public String getCity() {
        return city;
    }

    public String getPostalCode() {
        return postalCode;
    }

    public String getCountry() {
        return country;
    }
}
