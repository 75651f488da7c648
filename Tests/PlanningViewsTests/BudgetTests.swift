@testable import PlanningViews
import Testing

/// The budget figures of project health, at the edges of what a counter can hold.
@Suite struct BudgetTests {
    @Test func percentSpentIsRoundedDown() {
        #expect(Budget(planned: 1_000_000, spent: 1_500_000).percentSpent == 150)
        #expect(Budget(planned: 3, spent: 2).percentSpent == 66)
        #expect(Budget(planned: 0, spent: 5).percentSpent == nil && Budget(planned: nil, spent: 5).percentSpent == nil)
    }

    @Test(arguments: [Int64.max, Int64.min, 11 * (Int64(1) << 53), -11 * (Int64(1) << 53)])
    func aCounterFarBeyondThePlanGivesAClampedPercentNotATrap(spent: Int64) {
        let percent = Budget(planned: 1, spent: spent).percentSpent
        #expect(percent == (spent > 0 ? Int.max : Int.min))
    }
}
