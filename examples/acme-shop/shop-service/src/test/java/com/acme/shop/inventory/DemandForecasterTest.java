package com.acme.shop.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemandForecasterTest {

    @Test
    void movingAverage_usesOnlyLastWindow() {
        assertEquals(35.0, DemandForecaster.movingAverage(List.of(10, 20, 30, 40), 2), 1e-9);
    }

    @Test
    void exponentialSmoothing_withHalfAlpha() {
        assertEquals(15.0, DemandForecaster.exponentialSmoothing(List.of(10, 20), 0.5), 1e-9);
    }

    @Test
    void daysOfCover_withoutDemandIsUnbounded() {
        assertEquals(Integer.MAX_VALUE, DemandForecaster.daysOfCover(100, 0.0));
        assertEquals(13, DemandForecaster.daysOfCover(100, 7.5));
    }
}
