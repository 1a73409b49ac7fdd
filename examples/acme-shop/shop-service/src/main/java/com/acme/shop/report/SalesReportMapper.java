package com.acme.shop.report;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * Read-side queries behind the sales dashboard: plain SQL over the order tables, kept out of JPA so
 * the reports can aggregate without loading entities. Statements live in mapper/SalesReportMapper.xml.
 */
@Mapper
public interface SalesReportMapper {

    /**
     * Revenue and number of delivered orders per day in one currency, oldest day first.
     */
    List<DailySales> dailySales(@Param("currency") String currency,
                                @Param("from") Instant from,
                                @Param("to") Instant to);

    /**
     * The best-selling products since a point in time, by units sold in paid, shipped or delivered orders.
     */
    List<TopProduct> topProducts(@Param("since") Instant since, @Param("limit") int limit);

    List<TopProduct> topProductsInCategory(@Param("category") String category,
                                           @Param("since") Instant since,
                                           @Param("limit") int limit);

    /**
     * Stores the figures of a nightly snapshot; the generated id is written back to the snapshot.
     */
    int insertSnapshot(SalesSnapshot snapshot);

    int markSnapshotPublished(@Param("id") Long id, @Param("publishedAt") Instant publishedAt);

    /**
     * Number of distinct customers who cancelled at least one order since the given time.
     */
    @Select("SELECT COUNT(DISTINCT o.customer_id) FROM orders o "
            + "WHERE o.status = 'CANCELLED' AND o.placed_at >= #{since}")
    int countCustomersWithCancellations(@Param("since") Instant since);
}
