import Foundation
import Testing

/// `plansync demo` tells the story end to end and leaves nothing behind.
@Suite struct DemoTests {
    @Test func demoConvergesAndCleansUp() throws {
        let ws = try Workspace()
        let result = try ws.run("demo")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("All five copies hold the same state"))
        #expect(result.stdout.contains("edited by someone who had not seen it deleted"))
        #expect(result.stdout.contains("budget_spent      6200000"))
        #expect(result.stdout.contains("owner_department  策划部"), "references read as names")
        #expect(result.stdout.contains("$ plansync health") && result.stdout.contains("▲ amber  2027 春季市场推广 🌸"), "it ends with the campaign's health")
        #expect(result.stdout.contains("Agenda: 跨部门周会") && result.stdout.contains("确认渠道预算 💰"), "and the meeting's agenda")
        let folder = result.stdout.split(separator: "\n").first { $0.contains("replica files in ") }
            .flatMap { $0.components(separatedBy: "replica files in ").last?.components(separatedBy: ",").first }
        let path = try #require(folder)
        #expect(!FileManager.default.fileExists(atPath: path), "the demo removes its folder")
    }
}
