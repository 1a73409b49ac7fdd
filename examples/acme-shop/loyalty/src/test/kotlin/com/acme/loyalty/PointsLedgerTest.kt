package com.acme.loyalty

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.time.Instant

class PointsLedgerTest {

    private val now = Instant.parse("2024-05-10T12:00:00Z")
    private val ledger = PointsLedger()

    @Test
    fun `earn applies tier multiplier and floors`() {
        val points = ledger.earn(1042, 12_345, 1.5, now, "order-77")

        assertEquals(184, points)
        assertEquals(184, ledger.balance(1042))
    }

    @Test
    fun earn_rejectsSameOrderTwice() {
        ledger.earn(1042, 5_000, 1.0, now, "order-77")

        assertThrows<IllegalArgumentException> { ledger.earn(1042, 5_000, 1.0, now, "order-77") }
    }

    @Test
    fun redeem_failsWhenBalanceTooLow() {
        ledger.earn(1042, 10_000, 1.0, now, "order-1")

        val ex = assertThrows<InsufficientPointsException> { ledger.redeem(1042, 101, now, "reward") }

        assertEquals(100, ex.balance)
    }

    @Test
    fun expire_onlyRemovesUnspentOldPoints() {
        ledger.earn(1042, 50_000, 1.0, now.minus(Duration.ofDays(400)), "order-old")
        ledger.earn(1042, 30_000, 1.0, now.minus(Duration.ofDays(10)), "order-new")
        ledger.redeem(1042, 200, now.minus(Duration.ofDays(5)), "reward")

        val expired = ledger.expire(1042, now)

        assertEquals(300, expired)
        assertEquals(300, ledger.balance(1042))
    }

    @Test
    fun adjust_requiresReason() {
        assertThrows<IllegalArgumentException> { ledger.adjust(1042, 50, " ", now) }
    }

    @Test
    fun earnedInWindow_ignoresOlderEarnings() {
        ledger.earn(1042, 20_000, 1.0, now.minus(Duration.ofDays(366)), "order-old")
        ledger.earn(1042, 7_000, 1.0, now.minus(Duration.ofDays(30)), "order-new")

        assertEquals(70, ledger.earnedInWindow(1042, now))
    }
}
