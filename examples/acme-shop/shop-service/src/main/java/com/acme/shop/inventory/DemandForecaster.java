package com.acme.shop.inventory;

import java.util.List;

/**
 * Simple demand forecasting used for reorder planning.
 */
public final class DemandForecaster {

    private DemandForecaster() {
    }

    /**
     * Average of the last {@code window} daily sales values.
     */
    public static double movingAverage(List<Integer> dailySales, int window) {
        if (window <= 0 || dailySales.isEmpty()) {
            throw new IllegalArgumentException("Need a positive window and at least one data point");
        }
        int from = Math.max(0, dailySales.size() - window);
        double sum = 0;
        for (int i = from; i < dailySales.size(); i++) {
            sum += dailySales.get(i);
        }
        return sum / (dailySales.size() - from);
    }

    /**
     * Single exponential smoothing with factor alpha in (0, 1].
     */
    public static double exponentialSmoothing(List<Integer> dailySales, double alpha) {
        if (alpha <= 0 || alpha > 1) {
            throw new IllegalArgumentException("alpha must be in (0, 1]");
        }
        double level = dailySales.get(0);
        for (int i = 1; i < dailySales.size(); i++) {
            level = alpha * dailySales.get(i) + (1 - alpha) * level;
        }
        return level;
    }

    /**
     * Days until stock runs out at the forecast daily demand; infinite demand-free stock is capped.
     */
    public static int daysOfCover(int availableUnits, double dailyDemand) {
        if (dailyDemand <= 0.0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.floor(availableUnits / dailyDemand);
    }
}
