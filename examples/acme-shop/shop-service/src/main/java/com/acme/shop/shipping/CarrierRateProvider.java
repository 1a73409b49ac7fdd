package com.acme.shop.shipping;

import com.acme.shop.common.Money;
import java.util.Map;

/**
 * Supplies carrier price quotes. The production implementation reads the nightly rate file
 * from sftp://rates.corp.acme.internal/carriers/.
 */
public interface CarrierRateProvider {

    /**
     * @return quotes keyed by carrier code, only carriers that serve the destination
     */
    Map<String, Money> quotes(int weightGrams, String destinationCountry);

    int transitDays(String carrier, String destinationCountry);
}
