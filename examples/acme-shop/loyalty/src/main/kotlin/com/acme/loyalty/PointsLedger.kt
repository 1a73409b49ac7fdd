package com.acme.loyalty

import java.time.Duration
import java.time.Instant

enum class EntryType { EARN, REDEEM, EXPIRE, ADJUST }

data class LedgerEntry(
    val customerId: Long,
    val type: EntryType,
    val points: Long,
    val at: Instant,
    val reference: String,
)

class InsufficientPointsException(val customerId: Long, val requested: Long, val balance: Long) :
    RuntimeException("Customer $customerId requested $requested points but has $balance")

/**
 * Append-only points ledger. Balances are always derived from entries, never stored.
 *
 * @author Sofia Lindqvist <sofia.lindqvist@acme-shop.example>
 */
class PointsLedger(private val pointValidity: Duration = Duration.ofDays(365)) {

    private val entries = mutableListOf<LedgerEntry>()

    /**
     * Books points for an order: 1 point per full currency unit, times the tier multiplier.
     * Returns the number of points earned.
     */
    fun earn(customerId: Long, orderTotalCents: Long, multiplier: Double, at: Instant, orderRef: String): Long {
        require(orderTotalCents >= 0) { "Order total must not be negative" }
        require(entries.none { it.reference == orderRef && it.type == EntryType.EARN }) {
            "Points for $orderRef were already booked"
        }
        val points = Math.floor(orderTotalCents / 100 * multiplier).toLong()
        if (points > 0) {
            entries += LedgerEntry(customerId, EntryType.EARN, points, at, orderRef)
        }
        return points
    }

    fun balance(customerId: Long): Long =
        entries.filter { it.customerId == customerId }.sumOf { entry ->
            when (entry.type) {
                EntryType.EARN, EntryType.ADJUST -> entry.points
                EntryType.REDEEM, EntryType.EXPIRE -> -entry.points
            }
        }

    /**
     * Spends points; fails without side effects when the balance is too low.
     */
    fun redeem(customerId: Long, points: Long, at: Instant, reference: String) {
        require(points > 0) { "Redeemed points must be positive" }
        val current = balance(customerId)
        if (current < points) {
            throw InsufficientPointsException(customerId, points, current)
        }
        entries += LedgerEntry(customerId, EntryType.REDEEM, points, at, reference)
    }

    /**
     * Expires points earned before the validity window, FIFO: redemptions consume the oldest
     * points first, so only the unspent part of old earnings expires. Returns expired points.
     */
    fun expire(customerId: Long, asOf: Instant): Long {
        val cutoff = asOf.minus(pointValidity)
        val mine = entries.filter { it.customerId == customerId }
        val oldEarned = mine.filter { it.type == EntryType.EARN && it.at.isBefore(cutoff) }.sumOf { it.points }
        val spent = mine.filter { it.type == EntryType.REDEEM || it.type == EntryType.EXPIRE }.sumOf { it.points }
        val toExpire = (oldEarned - spent).coerceAtLeast(0)
        if (toExpire > 0) {
            entries += LedgerEntry(customerId, EntryType.EXPIRE, toExpire, asOf, "expiry-${asOf.epochSecond}")
        }
        return toExpire
    }

    /**
     * Manual correction by customer service; the reason is mandatory for the audit trail.
     */
    fun adjust(customerId: Long, points: Long, reason: String, at: Instant) {
        require(reason.isNotBlank()) { "Adjustments need a reason" }
        if (points < 0 && balance(customerId) + points < 0) {
            throw InsufficientPointsException(customerId, -points, balance(customerId))
        }
        entries += LedgerEntry(customerId, EntryType.ADJUST, points, at, "adjust: $reason")
    }

    /**
     * Points earned in the trailing window ending at [asOf]; drives tier qualification.
     */
    fun earnedInWindow(customerId: Long, asOf: Instant, window: Duration = Duration.ofDays(365)): Long {
        val from = asOf.minus(window)
        return entries.asSequence()
            .filter { it.customerId == customerId && it.type == EntryType.EARN }
            .filter { !it.at.isBefore(from) && !it.at.isAfter(asOf) }
            .sumOf { it.points }
    }

    fun history(customerId: Long): List<LedgerEntry> =
        entries.filter { it.customerId == customerId }.sortedByDescending { it.at }
}
