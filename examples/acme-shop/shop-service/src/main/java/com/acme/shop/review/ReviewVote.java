package com.acme.shop.review;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One customer's "was this review helpful?" vote; a customer votes once per review.
 */
@Entity
@Table(name = "review_votes", uniqueConstraints = @UniqueConstraint(columnNames = {"review_id", "customer_id"}))
public class ReviewVote {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "review_id")
    private Review review;

    private Long customerId;

    private boolean helpful;

    private Instant votedAt;

    protected ReviewVote() {
    }

    public ReviewVote(Review review, Long customerId, boolean helpful) {
        this.review = review;
        this.customerId = customerId;
        this.helpful = helpful;
        this.votedAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public Review getReview() {
        return review;
    }

    public Long getCustomerId() {
        return customerId;
    }

    public boolean isHelpful() {
        return helpful;
    }

    public Instant getVotedAt() {
        return votedAt;
    }
}
