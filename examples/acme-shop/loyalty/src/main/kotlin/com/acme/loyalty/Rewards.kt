package com.acme.loyalty

import java.time.Instant

data class Reward(
    val id: String,
    val name: String,
    val costPoints: Long,
    val minimumTier: Tier = Tier.BRONZE,
    val stock: Int? = null,
)

data class Redemption(val customerId: Long, val rewardId: String, val points: Long, val voucherCode: String)

class RewardUnavailableException(message: String) : RuntimeException(message)

/**
 * Redeems rewards against the points ledger and keeps limited-stock counters.
 */
class RedemptionService(
    private val ledger: PointsLedger,
    rewards: List<Reward>,
    private val voucherCodes: () -> String,
) {

    private val catalog = rewards.associateBy { it.id }.toMutableMap()
    private val redeemedCount = mutableMapOf<String, Int>()

    /**
     * Rewards the customer can afford and is allowed to pick, cheapest first.
     */
    fun eligibleRewards(customerId: Long, tier: Tier): List<Reward> {
        val balance = ledger.balance(customerId)
        return catalog.values
            .filter { it.costPoints <= balance && tier >= it.minimumTier && remainingStock(it) != 0 }
            .sortedWith(compareBy<Reward> { it.costPoints }.thenBy { it.name })
    }

    fun remainingStock(reward: Reward): Int? =
        reward.stock?.let { (it - (redeemedCount[reward.id] ?: 0)).coerceAtLeast(0) }

    /**
     * Redeems a reward: checks tier and stock, books the points and issues a voucher code.
     */
    fun redeem(customerId: Long, tier: Tier, rewardId: String, at: Instant): Redemption {
        val reward = catalog[rewardId] ?: throw RewardUnavailableException("Unknown reward $rewardId")
        if (tier < reward.minimumTier) {
            throw RewardUnavailableException("${reward.name} requires ${reward.minimumTier}")
        }
        if (remainingStock(reward) == 0) {
            throw RewardUnavailableException("${reward.name} is out of stock")
        }
        val code = voucherCodes()
        ledger.redeem(customerId, reward.costPoints, at, "reward:$rewardId:$code")
        redeemedCount.merge(rewardId, 1, Int::plus)
        return Redemption(customerId, rewardId, reward.costPoints, code)
    }

    /**
     * Best set of distinct rewards affordable with [budget] points, maximising points spent
     * (0/1 knapsack over the catalog; catalog sizes are small).
     */
    fun bestBundle(budget: Long, tier: Tier): List<Reward> {
        val items = catalog.values.filter { tier >= it.minimumTier && remainingStock(it) != 0 && it.costPoints <= budget }
        var best: List<Reward> = emptyList()
        var bestCost = 0L
        fun search(index: Int, chosen: List<Reward>, cost: Long) {
            if (cost > bestCost) {
                best = chosen
                bestCost = cost
            }
            for (i in index until items.size) {
                val candidate = items[i]
                if (cost + candidate.costPoints <= budget) {
                    search(i + 1, chosen + candidate, cost + candidate.costPoints)
                }
            }
        }
        search(0, emptyList(), 0L)
        return best.sortedBy { it.id }
    }
}

/**
 * Converts points to a monetary value for display: 100 points = 1.00 in the shop currency.
 */
fun pointsToCents(points: Long, ratePerHundred: Long = 100): Long {
    require(points >= 0) { "points must not be negative" }
    return points * ratePerHundred / 100
}

/**
 * Short, unambiguous voucher code generator with a trailing checksum letter.
 */
fun voucherCode(random: java.util.Random): String {
    val alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    val body = (1..8).map { alphabet[random.nextInt(alphabet.length)] }.joinToString("")
    val checksum = alphabet[body.sumOf { it.code } % alphabet.length]
    return "LOY-$body$checksum"
}
