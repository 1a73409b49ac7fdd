package com.acme.loyalty

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Instant

class RedemptionServiceTest {

    private val now = Instant.parse("2024-05-10T12:00:00Z")
    private lateinit var ledger: PointsLedger
    private lateinit var service: RedemptionService

    private val mug = Reward("mug", "Acme Mug", 400)
    private val tote = Reward("tote", "Tote Bag", 500)
    private val lounge = Reward("lounge", "Airport Lounge Pass", 600, minimumTier = Tier.GOLD, stock = 1)

    @BeforeEach
    fun setUp() {
        ledger = PointsLedger()
        ledger.earn(1042, 100_000, 1.0, now, "order-seed")
        var counter = 0
        service = RedemptionService(ledger, listOf(mug, tote, lounge)) { "V${++counter}" }
    }

    @Test
    fun eligibleRewards_respectsMinimumTier() {
        assertEquals(listOf(mug, tote), service.eligibleRewards(1042, Tier.SILVER))
    }

    @Test
    fun redeem_deductsPointsAndIssuesVoucher() {
        val redemption = service.redeem(1042, Tier.GOLD, "lounge", now)

        assertEquals("V1", redemption.voucherCode)
        assertEquals(400, ledger.balance(1042))
        assertEquals(0, service.remainingStock(lounge))
    }

    @Test
    fun redeem_failsWhenStockExhausted() {
        service.redeem(1042, Tier.GOLD, "lounge", now)

        assertThrows<RewardUnavailableException> { service.redeem(1042, Tier.GOLD, "lounge", now) }
    }

    @Test
    fun bestBundle_maximisesSpentPoints() {
        assertEquals(listOf(lounge, mug), service.bestBundle(1_000, Tier.PLATINUM))
    }

    @Test
    fun pointsToCents_usesRatePerHundred() {
        assertEquals(1_250, pointsToCents(1_250))
        assertEquals(625, pointsToCents(1_250, ratePerHundred = 50))
    }

    @Test
    fun voucherCode_hasPrefixAndNineCharacters() {
        val code = voucherCode(java.util.Random(7))

        assertTrue(code.matches(Regex("LOY-[A-Z2-9]{9}")))
    }
}
