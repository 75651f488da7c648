import PlanningViews

/// Planned against spent per project as an inline SVG bar chart (no script, no external asset):
/// one grey bar for the plan and one bar for the spending under it, red when over the plan, all
/// on one scale.
enum BudgetChart {
    static func svg(_ projects: [ProjectHealth]) -> String {
        let rows = projects.filter { ($0.budget.planned ?? 0) > 0 || $0.budget.spent != 0 }
        guard !rows.isEmpty else { return "<p class=\"none\">No project has a budget yet.</p>" }
        let labelWidth = 220, barWidth = 460, rowHeight = 46, width = labelWidth + barWidth + 150
        let height = rows.count * rowHeight + 30
        let scale = Double(rows.map { max($0.budget.planned ?? 0, $0.budget.spent) }.max() ?? 1)
        func length(_ minor: Int64) -> Int { scale <= 0 ? 0 : Int((Double(max(minor, 0)) / scale * Double(barWidth)).rounded()) }
        var svg = "<svg role=\"img\" aria-label=\"Budget planned against spent\" "
            + "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        for (i, p) in rows.enumerated() {
            let y = i * rowHeight + 8
            let planned = p.budget.planned ?? 0, spent = p.budget.spent
            let percent = p.budget.percentSpent.map { " (\($0)%)" } ?? ""
            svg += "<text x=\"0\" y=\"\(y + 22)\" class=\"label\">\(HTMLText.escape(String(p.name.prefix(18))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length(planned))\" height=\"16\" class=\"planned\"><title>planned \(MoneyText.amount(planned))</title></rect>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 18)\" width=\"\(length(spent))\" height=\"16\" class=\"\(p.budget.isOver ? "over" : "spent")\"><title>spent \(MoneyText.amount(spent))</title></rect>"
            svg += "<text x=\"\(labelWidth + length(planned) + 6)\" y=\"\(y + 13)\" class=\"amount\">\(MoneyText.amount(planned))</text>"
            svg += "<text x=\"\(labelWidth + length(spent) + 6)\" y=\"\(y + 31)\" class=\"amount\">\(MoneyText.amount(spent))\(percent)</text>"
        }
        let legendY = rows.count * rowHeight + 20
        svg += "<rect x=\"\(labelWidth)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" class=\"planned\"/><text x=\"\(labelWidth + 16)\" y=\"\(legendY)\" class=\"amount\">planned</text>"
        svg += "<rect x=\"\(labelWidth + 90)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" class=\"spent\"/><text x=\"\(labelWidth + 106)\" y=\"\(legendY)\" class=\"amount\">spent</text>"
        svg += "<rect x=\"\(labelWidth + 170)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" class=\"over\"/><text x=\"\(labelWidth + 186)\" y=\"\(legendY)\" class=\"amount\">over plan</text>"
        return svg + "</svg>"
    }
}
