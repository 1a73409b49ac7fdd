package com.acme.shop.customer;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * RFM (recency, frequency, monetary) segmentation used by CRM campaigns.
 */
public final class CustomerSegmenter {

    public enum Segment { CHAMPION, LOYAL, AT_RISK, NEW, HIBERNATING }

    public record Activity(long customerId, LocalDate firstOrder, LocalDate lastOrder, int orders, long spentCents) {
    }

    private CustomerSegmenter() {
    }

    /**
     * Scores recency from 1 (older than a year) to 5 (within the last 30 days).
     */
    static int recencyScore(LocalDate lastOrder, LocalDate today) {
        long days = ChronoUnit.DAYS.between(lastOrder, today);
        if (days <= 30) {
            return 5;
        }
        if (days <= 90) {
            return 4;
        }
        if (days <= 180) {
            return 3;
        }
        return days <= 365 ? 2 : 1;
    }

    static int frequencyScore(int orders) {
        int[] thresholds = {1, 2, 4, 8, 15};
        int score = 0;
        for (int threshold : thresholds) {
            if (orders >= threshold) {
                score++;
            }
        }
        return score;
    }

    /**
     * Assigns a segment. Customers whose first order is under 60 days old are always NEW.
     */
    public static Segment segmentOf(Activity activity, LocalDate today) {
        if (ChronoUnit.DAYS.between(activity.firstOrder(), today) < 60) {
            return Segment.NEW;
        }
        int recency = recencyScore(activity.lastOrder(), today);
        int frequency = frequencyScore(activity.orders());
        boolean bigSpender = activity.spentCents() >= 100_000;
        if (recency >= 4 && frequency >= 4 && bigSpender) {
            return Segment.CHAMPION;
        }
        if (recency >= 3 && frequency >= 3) {
            return Segment.LOYAL;
        }
        return frequency >= 3 ? Segment.AT_RISK : Segment.HIBERNATING;
    }

    public static Map<Segment, Integer> countBySegment(List<Activity> activities, LocalDate today) {
        Map<Segment, Integer> counts = new EnumMap<>(Segment.class);
        for (Activity activity : activities) {
            counts.merge(segmentOf(activity, today), 1, Integer::sum);
        }
        return counts;
    }
}
