package com.acme.loyalty

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import java.time.LocalDate

class TierCalculatorTest {

    @Test
    fun tierFor_usesInclusiveThresholds() {
        assertEquals(Tier.BRONZE, TierCalculator.tierFor(999))
        assertEquals(Tier.SILVER, TierCalculator.tierFor(1_000))
        assertEquals(Tier.PLATINUM, TierCalculator.tierFor(25_000))
    }

    @Test
    fun pointsToNextTier_isNullAtTopTier() {
        assertEquals(250, TierCalculator.pointsToNextTier(750))
        assertNull(TierCalculator.pointsToNextTier(20_000))
    }

    @Test
    fun reviewTier_keepsTierDuringGracePeriod() {
        val tier = TierCalculator.reviewTier(Tier.GOLD, 200, LocalDate.of(2024, 3, 1), LocalDate.of(2024, 5, 10))

        assertEquals(Tier.GOLD, tier)
    }

    @Test
    fun reviewTier_downgradesOneStepAfterGrace() {
        val tier = TierCalculator.reviewTier(Tier.PLATINUM, 200, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 5, 10))

        assertEquals(Tier.GOLD, tier)
    }

    @Test
    fun progressLabel_formatsMissingPoints() {
        assertEquals("Silver - 1,250 points to Gold", TierCalculator.progressLabel(3_750))
    }
}
