import Foundation
import Testing

/// `plansync report --html` opened in a real headless browser (Chromium from Debian's packages):
/// it renders offline with no script or console error, shows every section, and a screenshot is
/// taken. Skipped, saying why, when chromium is not installed, unless `PLANSYNC_REQUIRE_BROWSER=1`.
@Suite struct ReportBrowserTests {
    static let reason: Comment = "chromium is not installed (apt-get install chromium); .ci/run installs it and sets PLANSYNC_REQUIRE_BROWSER=1"

    @Test(.enabled(if: HeadlessBrowser.locate() != nil || HeadlessBrowser.required, reason))
    func reportRendersInAHeadlessBrowser() async throws {
        let browser = try #require(HeadlessBrowser.locate(), "PLANSYNC_REQUIRE_BROWSER=1 but chromium is not installed")
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        _ = try PlanningFixture.make(ws, daemon)
        await daemon.stop()
        try ws.ok("b", "report", "--html", "report.html", "--today", PlanningFixture.today)
        let page = ws.folder.appendingPathComponent("report.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("春季推广🌸"))
        #expect(html.range(of: #"(src|href)\s*=\s*["']?(https?:)?//"#, options: .regularExpression) == nil, "nothing loaded from the network")

        let dump = try browser.run(["--dump-dom"], file: page, profile: ws.folder.appendingPathComponent("profile-1"))
        let root = Self.rootTag(dump.stdout)
        #expect(root.contains("data-ready=\"1\""), "the page's scripts ran to the end: \(dump.stderr.suffix(2000))")
        #expect(!root.contains("data-errors"), "no script error: \(root)")
        #expect(HeadlessBrowser.consoleErrors(dump.stderr).isEmpty, "no console error: \(HeadlessBrowser.consoleErrors(dump.stderr))")
        for section in ["id=\"goals\"", "id=\"health\"", "id=\"budget\"", "id=\"conflicts\"", "孤儿目标", "春季推广🌸", "投放排期"] {
            #expect(dump.stdout.contains(section), "the rendered page shows \(section)")
        }
        #expect(dump.stdout.contains("conflicts resolve"), "the open conflict with the command that settles it")

        let shot = ws.folder.appendingPathComponent("report.png")
        _ = try browser.run(["--screenshot=\(shot.path)", "--window-size=1200,1400", "--hide-scrollbars"], file: page,
                            profile: ws.folder.appendingPathComponent("profile-2"))
        let png = try Data(contentsOf: shot)
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot of the rendered report")

        // The error check itself works: the same page with a failing script reports it.
        let broken = ws.folder.appendingPathComponent("broken.html")
        try html.replacingOccurrences(of: "</body>", with: "<script>noSuchFunction();</script></body>").write(to: broken, atomically: true, encoding: .utf8)
        let failed = try browser.run(["--dump-dom"], file: broken, profile: ws.folder.appendingPathComponent("profile-3"))
        #expect(Self.rootTag(failed.stdout).contains("noSuchFunction is not defined"), "a script error is recorded in the DOM")
        #expect(!HeadlessBrowser.consoleErrors(failed.stderr).isEmpty, "and shows in the browser's console log")
    }

    @Test(.enabled(if: HeadlessBrowser.locate() != nil || HeadlessBrowser.required, reason))
    func demoReportShowsTheCampaign() throws {
        let browser = try #require(HeadlessBrowser.locate(), "PLANSYNC_REQUIRE_BROWSER=1 but chromium is not installed")
        let ws = try Workspace()
        let demo = try ws.run("demo", "--html", "demo.html")
        #expect(demo.status == 0, "\(demo.stderr)")
        let dump = try browser.run(["--dump-dom"], file: ws.folder.appendingPathComponent("demo.html"), profile: ws.folder.appendingPathComponent("profile"))
        #expect(Self.rootTag(dump.stdout).contains("data-ready=\"1\"") && !Self.rootTag(dump.stdout).contains("data-errors"))
        #expect(dump.stdout.contains("2027 春季市场推广 🌸") && dump.stdout.contains("开拓华东新市场") && dump.stdout.contains("<svg"))
    }

    /// The `<html …>` start tag of a DOM dump, where the page records errors and readiness.
    static func rootTag(_ dom: String) -> String {
        guard let start = dom.range(of: "<html"), let end = dom[start.upperBound...].firstIndex(of: ">") else { return "" }
        return String(dom[start.lowerBound...end])
    }
}
