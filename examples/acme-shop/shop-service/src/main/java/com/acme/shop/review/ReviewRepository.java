package com.acme.shop.review;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ReviewRepository extends JpaRepository<Review, Long> {

    List<Review> findByProductIdAndStatus(Long productId, ReviewStatus status);

    boolean existsByProductIdAndCustomerId(Long productId, Long customerId);

    List<Review> findByStatusOrderByCreatedAtAsc(ReviewStatus status);

    @Query("select avg(r.rating) from Review r where r.productId = :productId and r.status = com.acme.shop.review.ReviewStatus.PUBLISHED")
    Double averagePublishedRating(@Param("productId") Long productId);
}
