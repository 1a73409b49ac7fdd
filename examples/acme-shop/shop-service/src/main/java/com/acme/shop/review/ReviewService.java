package com.acme.shop.review;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.InvalidStateTransitionException;
import com.acme.shop.common.NotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Product reviews with moderation.
 */
@Service
public class ReviewService {

    private static final Set<String> BANNED_WORDS = Set.of("scam", "idiot", "garbage");
    static final int MIN_BODY_LENGTH = 20;

    private final ReviewRepository reviewRepository;
    private final PurchaseVerifier purchaseVerifier;

    public ReviewService(ReviewRepository reviewRepository, PurchaseVerifier purchaseVerifier) {
        this.reviewRepository = reviewRepository;
        this.purchaseVerifier = purchaseVerifier;
    }

    /**
     * Submits a review. Only verified buyers may review, once per product. Reviews containing
     * banned words are rejected immediately, all others wait for moderation.
     */
    @Transactional
    public Review submit(long productId, long customerId, int rating, String title, String body) {
        if (rating < 1 || rating > 5) {
            throw new BusinessRuleException("INVALID_RATING", "Rating must be between 1 and 5");
        }
        if (body == null || body.trim().length() < MIN_BODY_LENGTH) {
            throw new BusinessRuleException("BODY_TOO_SHORT", "Review text needs at least " + MIN_BODY_LENGTH + " characters");
        }
        if (!purchaseVerifier.hasReceived(customerId, productId)) {
            throw new BusinessRuleException("NOT_VERIFIED", "Only customers who received the product can review it");
        }
        if (reviewRepository.existsByProductIdAndCustomerId(productId, customerId)) {
            throw new BusinessRuleException("ALREADY_REVIEWED", "Customer already reviewed this product");
        }
        Review review = new Review(productId, customerId, rating, title.trim(), body.trim());
        if (containsBannedWord(title + " " + body)) {
            review.setStatus(ReviewStatus.REJECTED);
            review.setRejectionReason("Automatic: language policy");
        }
        return reviewRepository.save(review);
    }

    /**
     * True when the text contains one of the banned words as a whole word, ignoring case.
     */
    static boolean containsBannedWord(String text) {
        for (String token : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (BANNED_WORDS.contains(token)) {
                return true;
            }
        }
        return false;
    }

    @Transactional
    public Review publish(long reviewId) {
        Review review = getReview(reviewId);
        if (review.getStatus() != ReviewStatus.PENDING) {
            throw new InvalidStateTransitionException("Review " + reviewId, review.getStatus(), ReviewStatus.PUBLISHED);
        }
        review.setStatus(ReviewStatus.PUBLISHED);
        return reviewRepository.save(review);
    }

    /**
     * Rejects a pending or published review with a moderator note.
     */
    @Transactional
    public Review reject(long reviewId, String reason) {
        Review review = getReview(reviewId);
        if (review.getStatus() == ReviewStatus.REJECTED) {
            throw new InvalidStateTransitionException("Review " + reviewId, review.getStatus(), ReviewStatus.REJECTED);
        }
        review.setStatus(ReviewStatus.REJECTED);
        review.setRejectionReason(reason);
        return reviewRepository.save(review);
    }

    public Review getReview(long reviewId) {
        return reviewRepository.findById(reviewId)
                .orElseThrow(() -> new NotFoundException("Review", reviewId));
    }

    /**
     * Counts published reviews per star rating; index 0 holds one-star reviews.
     */
    public int[] ratingHistogram(long productId) {
        int[] histogram = new int[5];
        for (Review review : reviewRepository.findByProductIdAndStatus(productId, ReviewStatus.PUBLISHED)) {
            histogram[review.getRating() - 1]++;
        }
        return histogram;
    }

    /**
     * Bayesian average that pulls products with few reviews towards the shop-wide prior
     * of 3.5 stars, weighted as if there were 5 prior reviews.
     */
    public double weightedRating(long productId) {
        int[] histogram = ratingHistogram(productId);
        int count = 0;
        int sum = 0;
        for (int i = 0; i < histogram.length; i++) {
            count += histogram[i];
            sum += histogram[i] * (i + 1);
        }
        double prior = 3.5;
        int priorWeight = 5;
        return Math.round((sum + prior * priorWeight) / (count + priorWeight) * 100.0) / 100.0;
    }

    /**
     * Most helpful published reviews first; ties broken by newest.
     */
    public List<Review> topReviews(long productId, int limit) {
        return reviewRepository.findByProductIdAndStatus(productId, ReviewStatus.PUBLISHED).stream()
                .sorted(Comparator.comparingInt(Review::getHelpfulVotes).reversed()
                        .thenComparing(Review::getCreatedAt, Comparator.reverseOrder()))
                .limit(limit)
                .toList();
    }

    @Transactional
    public Review voteHelpful(long reviewId) {
        Review review = getReview(reviewId);
        if (review.getStatus() != ReviewStatus.PUBLISHED) {
            throw new BusinessRuleException("NOT_PUBLISHED", "Only published reviews can be voted on");
        }
        review.setHelpfulVotes(review.getHelpfulVotes() + 1);
        return reviewRepository.save(review);
    }
}
