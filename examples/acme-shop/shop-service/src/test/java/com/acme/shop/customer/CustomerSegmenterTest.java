package com.acme.shop.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.shop.customer.CustomerSegmenter.Activity;
import com.acme.shop.customer.CustomerSegmenter.Segment;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerSegmenterTest {

    private static final LocalDate TODAY = LocalDate.of(2024, 5, 10);

    @Test
    void recencyScore_bucketsByDays() {
        assertEquals(5, CustomerSegmenter.recencyScore(TODAY.minusDays(30), TODAY));
        assertEquals(1, CustomerSegmenter.recencyScore(TODAY.minusDays(400), TODAY));
    }

    @Test
    void segmentOf_recentFirstOrderIsNew() {
        Activity activity = new Activity(1L, TODAY.minusDays(20), TODAY.minusDays(2), 9, 250_000);

        assertEquals(Segment.NEW, CustomerSegmenter.segmentOf(activity, TODAY));
    }

    @Test
    void segmentOf_frequentBigSpenderIsChampion() {
        Activity activity = new Activity(1L, TODAY.minusYears(3), TODAY.minusDays(10), 9, 150_000);

        assertEquals(Segment.CHAMPION, CustomerSegmenter.segmentOf(activity, TODAY));
    }

    @Test
    void countBySegment_groupsCustomers() {
        List<Activity> activities = List.of(
                new Activity(1L, TODAY.minusYears(2), TODAY.minusDays(300), 5, 20_000),
                new Activity(2L, TODAY.minusYears(2), TODAY.minusDays(500), 1, 3_000),
                new Activity(3L, TODAY.minusYears(1), TODAY.minusDays(400), 1, 1_000));

        Map<Segment, Integer> counts = CustomerSegmenter.countBySegment(activities, TODAY);

        assertEquals(1, counts.get(Segment.AT_RISK));
        assertEquals(2, counts.get(Segment.HIBERNATING));
    }
}
