import Foundation
import PlanningViews
import SyncModel
@testable import SyncStore
import Testing

/// The alignment tree over replicas written on two laptops and synced.
@Suite struct GoalTreeTests {
    @Test func treeFlagsOrphansCyclesLateParentsAndLooseProjects() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning"), s = laptops("sales")
        let market = try p.make("departments", ["name": "市场部", "kind": "marketing"])
        let company = try p.make("goals", ["title": "年度增长20%", "level": "company", "status": "active", "due": "2027-06-30"])
        let child = try p.make("goals", ["title": "新客户3000 🎯", "level": "department", "department": market, "parent": company,
                                         "status": "active", "due": "2027-12-31"])
        let orphan = try p.make("goals", ["title": "孤儿目标", "level": "department", "department": market, "status": "active"])
        let achieved = try p.make("goals", ["title": "完成品牌升级", "level": "department", "department": market, "parent": company, "status": "achieved"])
        let gone = try p.make("goals", ["title": "旧目标", "level": "company"])
        let hanging = try p.make("goals", ["title": "挂在已删目标下", "level": "project", "parent": gone])
        let project = try p.make("projects", ["name": "春季推广🌸", "goal": child, "status": "active"])
        try p.make("tasks", ["project": project, "title": "投放排期", "status": "done"])
        try p.make("tasks", ["project": project, "title": "素材制作", "status": "doing"])
        let loose = try p.make("projects", ["name": "无目标项目", "owner_department": market])
        try await laptops.syncAll()
        // A cycle made on two laptops: planning hangs b under sales' a, then sales hangs a under b.
        let a = try s.make("goals", ["title": "循环A", "level": "department"])
        try await laptops.syncAll()
        let b = try p.make("goals", ["title": "循环B", "level": "department", "parent": a])
        try await laptops.syncAll()
        try s.update("goals", id: a, fields: ["parent": .text(b)])
        try p.delete("goals", id: gone)
        try await laptops.syncAll()

        let tree = GoalTree.build(from: try laptops.snapshot("sales"))
        func flags(_ kind: GoalFlag.Kind) -> [String] { tree.flags.filter { $0.kind == kind }.map(\.id) }
        #expect(flags(.orphan) == [orphan], "only the department goal without a parent is an orphan (the cycle's goals have parents)")
        #expect(flags(.dueBeforeChild) == [company])
        #expect(Set(flags(.cycle)) == [a, b])
        #expect(flags(.danglingParent) == [hanging])
        #expect(flags(.noGoal) == [loose])
        #expect(tree.projectsWithoutGoal.map(\.id) == [loose])

        var seen: [String] = []
        func walk(_ n: GoalNode) { seen.append(n.id); n.children.forEach(walk) }
        tree.roots.forEach(walk)
        #expect(seen.sorted() == [company, child, orphan, achieved, hanging, a, b].sorted(), "every live goal exactly once, the deleted one not at all")
        let top = try #require(tree.roots.first)
        #expect(top.id == company, "company goals come first")
        #expect(top.children.map(\.id).contains(child))
        #expect(top.children.first { $0.id == achieved }?.status == "achieved")
        let progress = try #require(top.children.first { $0.id == child }?.projects.first)
        #expect(progress.id == project && progress.tasksDone == 1 && progress.tasksTotal == 2 && progress.percentDone == 50)
        #expect(top.children.first { $0.id == child }?.department?.name == "市场部")
        await laptops.stop()
    }

    @Test func departmentNarrowsToItsGoalsAndTheirAncestors() async throws {
        let laptops = try await SyncedLaptops.start()
        let p = laptops("planning")
        let market = try p.make("departments", ["name": "市场部"])
        let sales = try p.make("departments", ["name": "销售部"])
        let company = try p.make("goals", ["title": "公司目标", "level": "company"])
        let mine = try p.make("goals", ["title": "市场目标", "level": "department", "department": market, "parent": company])
        try p.make("goals", ["title": "销售目标", "level": "department", "department": sales, "parent": company])
        let sub = try p.make("goals", ["title": "子目标", "level": "project", "parent": mine])
        try await laptops.syncAll()
        let tree = GoalTree.build(from: try laptops.snapshot("sales"), department: market)
        #expect(tree.roots.map(\.id) == [company])
        #expect(tree.roots.first?.children.map(\.id) == [mine])
        #expect(tree.roots.first?.children.first?.children.map(\.id) == [sub])
        #expect(tree.department?.name == "市场部")
        await laptops.stop()
    }

    /// A `parent` chain 20,000 goals deep, built in memory: building the tree (and freeing it)
    /// recursed once per level and overflowed the stack. The tree nests to the limit; the goals
    /// below it are listed flat, in chain order, each with its parent and depth.
    @Test func aChainTwentyThousandGoalsDeepNestsToTheLimitThenListsFlat() throws {
        let depth = 20_000, limit = GoalTree.nestingLimit
        func id(_ i: Int) -> String { String(format: "g%06d", i) }
        func goal(_ i: Int) -> RowView {
            var fields: [String: FieldValue] = ["title": .value(.text("goal \(i)")), "level": .value(.text(i == 0 ? "company" : "department"))]
            if i > 0 { fields["parent"] = .value(.text(id(i - 1))) }
            return RowView(id: id(i), collection: "goals", deleted: false, fields: fields, conflicts: [], danglingRefs: [])
        }
        let tree = GoalTree.build(from: PlanningSnapshot(rows: ["goals": (0..<depth).map(goal)], conflicts: []))
        var nested: [GoalNode] = [], next = tree.roots
        while next.count == 1, let node = next.first, !node.isListedFlat {
            nested.append(node)
            next = node.children
        }
        #expect(nested.map(\.id) == (0...limit).map(id), "the first \(limit + 1) goals nest, one under the other")
        #expect(nested.map(\.depth) == Array(0...limit))
        #expect(next.map(\.id) == (limit + 1..<depth).map(id), "the rest are the children of the goal at the limit, in chain order")
        #expect(next.allSatisfy { $0.isListedFlat && $0.children.isEmpty })
        #expect(next.first?.parent == id(limit) && next.last?.parent == id(depth - 2) && next.last?.depth == depth - 1)
        #expect(tree.flags.isEmpty, "a chain under a company goal raises nothing")
    }
}
