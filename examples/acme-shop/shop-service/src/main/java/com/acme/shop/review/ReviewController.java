package com.acme.shop.review;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/products/{productId}/reviews")
public class ReviewController {

    private final ReviewService reviewService;

    public ReviewController(ReviewService reviewService) {
        this.reviewService = reviewService;
    }

    public record ReviewRequest(long customerId, int rating, String title, String body) {
    }

    @GetMapping
    public List<Review> topReviews(@PathVariable long productId, @RequestParam(defaultValue = "10") int limit) {
        return reviewService.topReviews(productId, Math.min(limit, 50));
    }

    @GetMapping("/summary")
    public Map<String, Object> summary(@PathVariable long productId) {
        int[] histogram = reviewService.ratingHistogram(productId);
        return Map.of("histogram", histogram, "weightedRating", reviewService.weightedRating(productId));
    }

    @PostMapping
    public ResponseEntity<Review> submit(@PathVariable long productId, @RequestBody ReviewRequest request) {
        Review review = reviewService.submit(productId, request.customerId(), request.rating(), request.title(), request.body());
        return ResponseEntity.created(URI.create("/api/products/" + productId + "/reviews/" + review.getId())).body(review);
    }

    @PutMapping("/{reviewId}/status")
    public Review publish(@PathVariable long productId, @PathVariable long reviewId) {
        return reviewService.publish(reviewId);
    }

    @DeleteMapping("/{reviewId}")
    public Review reject(@PathVariable long productId, @PathVariable long reviewId, @RequestParam String reason) {
        return reviewService.reject(reviewId, reason);
    }
}
