package com.acme.loyalty

import java.time.LocalDate

enum class Tier(val threshold: Long, val multiplier: Double) {
    BRONZE(0, 1.0),
    SILVER(1_000, 1.25),
    GOLD(5_000, 1.5),
    PLATINUM(20_000, 2.0);

    fun next(): Tier? = entries.getOrNull(ordinal + 1)
}

/**
 * Tier rules from the loyalty programme spec (LOY-3).
 */
object TierCalculator {

    /** Months a customer keeps a higher tier after dropping below its threshold. */
    const val GRACE_MONTHS = 3L

    fun tierFor(pointsLast12Months: Long): Tier {
        require(pointsLast12Months >= 0) { "Points must not be negative" }
        return Tier.entries.last { pointsLast12Months >= it.threshold }
    }

    /**
     * Points still needed to reach the next tier, or null at the top tier.
     */
    fun pointsToNextTier(pointsLast12Months: Long): Long? {
        val next = tierFor(pointsLast12Months).next() ?: return null
        return next.threshold - pointsLast12Months
    }

    /**
     * Tier after the yearly review: upgrades apply at once, downgrades only one step at a time
     * and only once the grace period after the last qualification date has passed.
     */
    fun reviewTier(current: Tier, pointsLast12Months: Long, lastQualified: LocalDate, today: LocalDate): Tier {
        val earned = tierFor(pointsLast12Months)
        if (earned >= current) {
            return earned
        }
        val graceEnds = lastQualified.plusMonths(GRACE_MONTHS)
        if (today.isBefore(graceEnds)) {
            return current
        }
        return Tier.entries[current.ordinal - 1]
    }

    /**
     * Human-readable progress line for the account page, e.g. "Silver - 1,250 points to Gold".
     */
    fun progressLabel(pointsLast12Months: Long): String {
        val tier = tierFor(pointsLast12Months)
        val name = tier.name.lowercase().replaceFirstChar { it.uppercase() }
        val missing = pointsToNextTier(pointsLast12Months) ?: return "$name - top tier reached"
        val nextName = tier.next()!!.name.lowercase().replaceFirstChar { it.uppercase() }
        return "%s - %,d points to %s".format(java.util.Locale.US, name, missing, nextName)
    }
}
