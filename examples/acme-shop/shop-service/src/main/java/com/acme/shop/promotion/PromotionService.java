package com.acme.shop.promotion;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Discount codes: creation, validation, stacking and redemption.
 */
@Service
public class PromotionService {

    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final PromotionRepository promotionRepository;
    private final int maxStacked;

    public PromotionService(PromotionRepository promotionRepository,
                            @Value("${promotion.max-stacked:2}") int maxStacked) {
        this.promotionRepository = promotionRepository;
        this.maxStacked = maxStacked;
    }

    /**
     * Creates a promotion after checking the code format and the discount value range.
     */
    @Transactional
    public Promotion create(String code, DiscountType type, long value, LocalDate from, LocalDate until) {
        String normalized = code.trim().toUpperCase(Locale.ROOT);
        if (!normalized.matches("[A-Z0-9]{4,16}")) {
            throw new BusinessRuleException("INVALID_CODE", "Codes are 4-16 letters or digits");
        }
        if (type == DiscountType.PERCENT && (value < 1 || value > 90)) {
            throw new BusinessRuleException("INVALID_PERCENT", "Percent discounts must be between 1 and 90");
        }
        if (until != null && until.isBefore(from)) {
            throw new BusinessRuleException("INVALID_PERIOD", "Promotion ends before it starts");
        }
        if (promotionRepository.existsByCodeIgnoreCase(normalized)) {
            throw new BusinessRuleException("DUPLICATE_CODE", "Code " + normalized + " already exists");
        }
        return promotionRepository.save(new Promotion(normalized, type, value, from, until));
    }

    /**
     * Looks up a code and checks that it can be used for a basket with the given subtotal today.
     */
    public Promotion validate(String code, Money subtotal, LocalDate today) {
        Promotion promotion = promotionRepository.findByCodeIgnoreCase(code.trim())
                .orElseThrow(() -> new NotFoundException("Promotion", code));
        if (!promotion.isActiveOn(today)) {
            throw new BusinessRuleException("PROMOTION_INACTIVE", "Code " + code + " is not active");
        }
        if (promotion.isExhausted()) {
            throw new BusinessRuleException("PROMOTION_EXHAUSTED", "Code " + code + " has been fully redeemed");
        }
        if (subtotal.getCents() < promotion.getMinOrderCents()) {
            throw new BusinessRuleException("BELOW_MINIMUM", "Basket is below the minimum order value");
        }
        return promotion;
    }

    /**
     * Discount a single promotion grants on a subtotal; never more than the subtotal itself.
     */
    public static Money discountFor(Promotion promotion, Money subtotal) {
        Money discount = switch (promotion.getType()) {
            case PERCENT -> subtotal.percent((int) promotion.getValue());
            case FIXED_AMOUNT -> Money.ofCents(promotion.getValue(), subtotal.getCurrency());
            case FREE_SHIPPING -> Money.zero(subtotal.getCurrency());
        };
        return discount.isGreaterThan(subtotal) ? subtotal : discount;
    }

    /**
     * Chooses which of the given promotions to apply: the single best non-stackable one, or the
     * best combination of up to {@code maxStacked} stackable ones, whichever saves more.
     */
    public List<Promotion> selectBest(List<Promotion> candidates, Money subtotal) {
        Comparator<Promotion> bySaving = Comparator.comparingLong(p -> discountFor(p, subtotal).getCents());
        Promotion bestSingle = candidates.stream().max(bySaving).orElse(null);
        List<Promotion> stack = candidates.stream()
                .filter(Promotion::isStackable)
                .sorted(bySaving.reversed())
                .limit(maxStacked)
                .toList();
        long stackSaving = stack.stream().mapToLong(p -> discountFor(p, subtotal).getCents()).sum();
        if (bestSingle == null) {
            return List.of();
        }
        long singleSaving = discountFor(bestSingle, subtotal).getCents();
        return stackSaving > singleSaving ? new ArrayList<>(stack) : List.of(bestSingle);
    }

    /**
     * Counts a redemption; refuses once the redemption cap has been reached.
     */
    @Transactional
    public Promotion redeem(String code) {
        Promotion promotion = promotionRepository.findByCodeIgnoreCase(code)
                .orElseThrow(() -> new NotFoundException("Promotion", code));
        if (promotion.isExhausted()) {
            throw new BusinessRuleException("PROMOTION_EXHAUSTED", "Code " + code + " has been fully redeemed");
        }
        promotion.setRedemptions(promotion.getRedemptions() + 1);
        return promotionRepository.save(promotion);
    }

    /**
     * Generates a random, human-friendly code without ambiguous characters (0/O, 1/I).
     */
    public static String generateCode(String prefix, int length, RandomGenerator random) {
        StringBuilder sb = new StringBuilder(prefix.toUpperCase(Locale.ROOT));
        while (sb.length() < length) {
            sb.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return sb.toString();
    }

    @Transactional
    public Promotion endNow(String code, LocalDate today) {
        Promotion promotion = promotionRepository.findByCodeIgnoreCase(code)
                .orElseThrow(() -> new NotFoundException("Promotion", code));
        promotion.setValidUntil(today.minusDays(1));
        return promotionRepository.save(promotion);
    }
}
