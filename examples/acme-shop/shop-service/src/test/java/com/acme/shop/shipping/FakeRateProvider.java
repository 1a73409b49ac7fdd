package com.acme.shop.shipping;

import com.acme.shop.common.Money;
import java.util.HashMap;
import java.util.Map;

class FakeRateProvider implements CarrierRateProvider {

    final Map<String, Money> rates = new HashMap<>();
    int transitDays = 2;

    FakeRateProvider with(String carrier, long cents) {
        rates.put(carrier, Money.ofCents(cents, "USD"));
        return this;
    }

    @Override
    public Map<String, Money> quotes(int weightGrams, String destinationCountry) {
        return rates;
    }

    @Override
    public int transitDays(String carrier, String destinationCountry) {
        return transitDays;
    }
}
