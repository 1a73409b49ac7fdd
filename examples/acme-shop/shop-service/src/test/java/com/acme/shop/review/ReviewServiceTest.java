package com.acme.shop.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.InvalidStateTransitionException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReviewServiceTest {

    private static final String LONG_BODY = "Sturdy build, the kids have used it daily for a month.";

    private ReviewRepository repository;
    private final Set<String> deliveries = new HashSet<>();
    private ReviewService reviewService;

    @BeforeEach
    void setUp() {
        repository = mock(ReviewRepository.class);
        when(repository.save(any(Review.class))).thenAnswer(invocation -> invocation.getArgument(0));
        PurchaseVerifier verifier = (customerId, productId) -> deliveries.contains(customerId + ":" + productId);
        reviewService = new ReviewService(repository, verifier);
    }

    private static Review published(int rating, int helpfulVotes) {
        Review review = new Review(10L, 1L, rating, "Title", LONG_BODY);
        review.setStatus(ReviewStatus.PUBLISHED);
        review.setHelpfulVotes(helpfulVotes);
        return review;
    }

    @Test
    void submit_rejectsUnverifiedBuyer() {
        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> reviewService.submit(10L, 1042L, 5, "Great", LONG_BODY));

        assertEquals("NOT_VERIFIED", ex.getCode());
    }

    @Test
    void submit_autoRejectsBannedLanguage() {
        deliveries.add("1042:10");

        Review review = reviewService.submit(10L, 1042L, 1, "Total SCAM", LONG_BODY);

        assertEquals(ReviewStatus.REJECTED, review.getStatus());
    }

    @Test
    void submit_rejectsRatingOutOfRange() {
        assertThrows(BusinessRuleException.class, () -> reviewService.submit(10L, 1042L, 6, "Wow", LONG_BODY));
    }

    @Test
    void submit_secondReviewForSameProductIsRefused() {
        deliveries.add("1042:10");
        when(repository.existsByProductIdAndCustomerId(10L, 1042L)).thenReturn(true);

        assertThrows(BusinessRuleException.class, () -> reviewService.submit(10L, 1042L, 4, "Again", LONG_BODY));
    }

    @Test
    void containsBannedWord_matchesWholeWordsOnly() {
        assertTrue(ReviewService.containsBannedWord("what a SCAM!"));
        assertFalse(ReviewService.containsBannedWord("garlic scampi was great"));
    }

    @Test
    void publish_onlyPendingReviews() {
        Review review = published(5, 0);
        when(repository.findById(3L)).thenReturn(Optional.of(review));

        assertThrows(InvalidStateTransitionException.class, () -> reviewService.publish(3L));
    }

    @Test
    void reject_storesModeratorReason() {
        Review review = new Review(10L, 1L, 2, "Meh", LONG_BODY);
        when(repository.findById(4L)).thenReturn(Optional.of(review));

        Review rejected = reviewService.reject(4L, "Contains personal data");

        assertEquals(ReviewStatus.REJECTED, rejected.getStatus());
        assertEquals("Contains personal data", rejected.getRejectionReason());
    }

    @Test
    void ratingHistogram_countsPerStar() {
        when(repository.findByProductIdAndStatus(10L, ReviewStatus.PUBLISHED))
                .thenReturn(List.of(published(5, 0), published(4, 0), published(5, 0), published(1, 0)));

        assertArrayEquals(new int[] {1, 0, 0, 1, 2}, reviewService.ratingHistogram(10L));
    }

    @Test
    void weightedRating_pullsFewReviewsTowardsPrior() {
        when(repository.findByProductIdAndStatus(10L, ReviewStatus.PUBLISHED))
                .thenReturn(List.of(published(5, 0), published(5, 0)));

        assertEquals(3.93, reviewService.weightedRating(10L), 1e-9);
    }

    @Test
    void topReviews_sortsByHelpfulVotes() {
        Review few = published(3, 1);
        Review many = published(4, 12);
        when(repository.findByProductIdAndStatus(10L, ReviewStatus.PUBLISHED)).thenReturn(List.of(few, many));

        assertEquals(List.of(many), reviewService.topReviews(10L, 1));
    }

    @Test
    void voteHelpful_pendingReviewIsRejected() {
        when(repository.findById(5L)).thenReturn(Optional.of(new Review(10L, 1L, 4, "Nice", LONG_BODY)));

        assertThrows(BusinessRuleException.class, () -> reviewService.voteHelpful(5L));
    }
}
