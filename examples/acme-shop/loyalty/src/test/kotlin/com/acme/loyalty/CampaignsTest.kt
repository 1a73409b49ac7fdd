package com.acme.loyalty

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.time.Instant
import java.time.LocalDate
import java.time.YearMonth

class CampaignsTest {

    private fun entry(type: EntryType, points: Long, at: String) =
        LedgerEntry(1042, type, points, Instant.parse(at), "ref")

    @Test
    fun statement_onlyCountsEntriesOfTheMonth() {
        val entries = listOf(
            entry(EntryType.EARN, 300, "2024-04-30T23:59:59Z"),
            entry(EntryType.EARN, 120, "2024-05-02T10:00:00Z"),
            entry(EntryType.REDEEM, 50, "2024-05-20T10:00:00Z"),
        )

        val statement = Campaigns.statement(entries, YearMonth.of(2024, 5))

        assertEquals(120, statement.earned)
        assertEquals(70, statement.net)
    }

    @Test
    fun birthdayBonus_leapDayBirthdayInNonLeapYear() {
        val bonus = Campaigns.birthdayBonus(LocalDate.of(2000, 2, 29), LocalDate.of(2023, 2, 28), Tier.GOLD)

        assertEquals(375, bonus)
    }

    @Test
    fun referralBonus_isCappedPerYear() {
        assertEquals(500, Campaigns.referralBonus(4, 3_000))
        assertEquals(0, Campaigns.referralBonus(5, 3_000))
    }

    @Test
    fun expiringSoon_subtractsOldestPointsSpent() {
        val entries = listOf(
            entry(EntryType.EARN, 400, "2023-05-20T00:00:00Z"),
            entry(EntryType.EARN, 200, "2024-01-10T00:00:00Z"),
            entry(EntryType.REDEEM, 150, "2024-02-01T00:00:00Z"),
        )

        assertEquals(250, Campaigns.expiringSoon(entries, Instant.parse("2024-05-10T00:00:00Z")))
    }

    @Test
    fun formatPoints_abbreviatesLargeNumbers() {
        assertEquals("1.2M", Campaigns.formatPoints(1_234_567))
        assertEquals("-15.3k", Campaigns.formatPoints(-15_300))
        assertEquals("999", Campaigns.formatPoints(999))
    }
}
