package com.acme.loyalty

import java.time.Instant
import java.time.LocalDate
import java.time.YearMonth
import java.time.ZoneOffset

data class MonthlyStatement(
    val month: YearMonth,
    val earned: Long,
    val redeemed: Long,
    val expired: Long,
    val adjusted: Long,
) {
    val net: Long get() = earned + adjusted - redeemed - expired
}

/**
 * Bonus campaigns and customer statements built on top of the ledger entries.
 */
object Campaigns {

    const val BIRTHDAY_BONUS = 250L
    const val REFERRAL_BONUS = 500L
    const val MAX_REFERRALS_PER_YEAR = 5

    /**
     * Aggregates ledger entries of one calendar month (UTC) into a statement.
     */
    fun statement(entries: List<LedgerEntry>, month: YearMonth): MonthlyStatement {
        val inMonth = entries.filter { YearMonth.from(it.at.atZone(ZoneOffset.UTC)) == month }
        fun total(type: EntryType) = inMonth.filter { it.type == type }.sumOf { it.points }
        return MonthlyStatement(
            month = month,
            earned = total(EntryType.EARN),
            redeemed = total(EntryType.REDEEM),
            expired = total(EntryType.EXPIRE),
            adjusted = total(EntryType.ADJUST),
        )
    }

    /**
     * Birthday bonus scaled by tier; customers born on 29 February celebrate on 28 February
     * in non-leap years.
     */
    fun birthdayBonus(birthDate: LocalDate, today: LocalDate, tier: Tier): Long {
        val birthdayThisYear = if (birthDate.monthValue == 2 && birthDate.dayOfMonth == 29 && !today.isLeapYear) {
            LocalDate.of(today.year, 2, 28)
        } else {
            birthDate.withYear(today.year)
        }
        if (birthdayThisYear != today) {
            return 0
        }
        return (BIRTHDAY_BONUS * tier.multiplier).toLong()
    }

    /**
     * Referral bonus for the referrer; capped per calendar year to stop self-referral farming.
     */
    fun referralBonus(previousReferralsThisYear: Int, refereeFirstOrderCents: Long): Long {
        if (previousReferralsThisYear >= MAX_REFERRALS_PER_YEAR) {
            return 0
        }
        val qualifies = refereeFirstOrderCents >= 2_500
        return if (qualifies) REFERRAL_BONUS else 0
    }

    /**
     * Points that will expire within [days] days, for the "use them before they are gone" e-mail.
     */
    fun expiringSoon(entries: List<LedgerEntry>, asOf: Instant, validityDays: Long = 365, days: Long = 30): Long {
        val horizon = asOf.plusSeconds(days * 86_400)
        val spent = entries.filter { it.type == EntryType.REDEEM || it.type == EntryType.EXPIRE }.sumOf { it.points }
        var remainingSpent = spent
        var expiring = 0L
        for (entry in entries.filter { it.type == EntryType.EARN }.sortedBy { it.at }) {
            val consumed = minOf(remainingSpent, entry.points)
            remainingSpent -= consumed
            val expiresAt = entry.at.plusSeconds(validityDays * 86_400)
            if (expiresAt.isAfter(asOf) && !expiresAt.isAfter(horizon)) {
                expiring += entry.points - consumed
            }
        }
        return expiring
    }

    /**
     * Formats a point amount for e-mails: 1234567 -> "1.2M", 15300 -> "15.3k", 999 -> "999".
     */
    fun formatPoints(points: Long): String {
        val abs = kotlin.math.abs(points)
        val text = when {
            abs >= 1_000_000 -> "%.1fM".format(java.util.Locale.US, abs / 1_000_000.0)
            abs >= 10_000 -> "%.1fk".format(java.util.Locale.US, abs / 1_000.0)
            else -> abs.toString()
        }
        return if (points < 0) "-$text" else text
    }
}
