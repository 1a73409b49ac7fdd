package com.acme.shop.promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PromotionServiceTest {

    private static final LocalDate TODAY = LocalDate.of(2024, 5, 10);

    private PromotionRepository repository;
    private PromotionService promotionService;

    @BeforeEach
    void setUp() {
        repository = mock(PromotionRepository.class);
        when(repository.save(any(Promotion.class))).thenAnswer(invocation -> invocation.getArgument(0));
        promotionService = new PromotionService(repository, 2);
    }

    private Promotion stored(String code, DiscountType type, long value) {
        Promotion promotion = new Promotion(code, type, value, TODAY.minusDays(10), TODAY.plusDays(10));
        when(repository.findByCodeIgnoreCase(code)).thenReturn(Optional.of(promotion));
        return promotion;
    }

    @Test
    void create_uppercasesCode() {
        Promotion promotion = promotionService.create(" spring24 ", DiscountType.PERCENT, 15, TODAY, null);

        assertEquals("SPRING24", promotion.getCode());
    }

    @Test
    void create_rejectsPercentAboveNinety() {
        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> promotionService.create("HUGE95", DiscountType.PERCENT, 95, TODAY, null));

        assertEquals("INVALID_PERCENT", ex.getCode());
    }

    @Test
    void create_rejectsPeriodEndingBeforeStart() {
        assertThrows(BusinessRuleException.class,
                () -> promotionService.create("BACKWARDS", DiscountType.FIXED_AMOUNT, 500, TODAY, TODAY.minusDays(1)));
    }

    @Test
    void validate_rejectsFuturePromotion() {
        Promotion summer = new Promotion("SUMMER", DiscountType.PERCENT, 10, LocalDate.of(2024, 6, 1), null);
        when(repository.findByCodeIgnoreCase("SUMMER")).thenReturn(Optional.of(summer));

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> promotionService.validate("SUMMER", Money.ofCents(10_000, "USD"), TODAY));

        assertEquals("PROMOTION_INACTIVE", ex.getCode());
    }

    @Test
    void validate_enforcesMinimumOrderValue() {
        stored("BIGBASKET", DiscountType.FIXED_AMOUNT, 1_000).setMinOrderCents(5_000);

        BusinessRuleException ex = assertThrows(BusinessRuleException.class,
                () -> promotionService.validate("BIGBASKET", Money.ofCents(4_999, "USD"), TODAY));

        assertEquals("BELOW_MINIMUM", ex.getCode());
    }

    @Test
    void discountFor_capsFixedAmountAtSubtotal() {
        Promotion fixed = new Promotion("TWENTY", DiscountType.FIXED_AMOUNT, 2_000, TODAY, null);

        assertEquals(Money.ofCents(1_500, "USD"), PromotionService.discountFor(fixed, Money.ofCents(1_500, "USD")));
    }

    @Test
    void selectBest_prefersStackWhenItSavesMore() {
        Promotion single = new Promotion("FIFTEEN", DiscountType.PERCENT, 15, TODAY, null);
        Promotion ten = new Promotion("TEN", DiscountType.PERCENT, 10, TODAY, null);
        ten.setStackable(true);
        Promotion eightDollars = new Promotion("EIGHT", DiscountType.FIXED_AMOUNT, 800, TODAY, null);
        eightDollars.setStackable(true);

        List<Promotion> chosen = promotionService.selectBest(List.of(single, ten, eightDollars), Money.ofCents(10_000, "USD"));

        assertEquals(List.of(ten, eightDollars), chosen);
    }

    @Test
    void redeem_refusesExhaustedPromotion() {
        Promotion promotion = stored("LIMITED", DiscountType.PERCENT, 20);
        promotion.setMaxRedemptions(100);
        promotion.setRedemptions(100);

        assertThrows(BusinessRuleException.class, () -> promotionService.redeem("LIMITED"));
    }

    @Test
    void redeem_incrementsCounter() {
        stored("WELCOME", DiscountType.PERCENT, 10);

        Promotion redeemed = promotionService.redeem("WELCOME");

        assertEquals(1, redeemed.getRedemptions());
    }

    @Test
    void generateCode_avoidsAmbiguousCharacters() {
        String code = PromotionService.generateCode("vip", 12, new Random(42));

        assertEquals(12, code.length());
        assertTrue(code.startsWith("VIP"));
        assertFalse(code.substring(3).matches(".*[O0I1].*"));
    }
}
