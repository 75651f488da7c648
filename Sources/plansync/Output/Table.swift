/// A plain text table whose columns line up in display columns (see ``DisplayWidth``), so Chinese
/// and emoji cells keep the grid.
///
/// ```swift
/// var table = Table(headers: ["ID", "NAME"])
/// table.append(["7f3c", "市场部"])
/// print(table.render())
/// // ID    NAME
/// // 7f3c  市场部
/// ```
struct Table {
    let headers: [String]
    private(set) var rows: [[String]] = []
    /// Widest a cell may be, in display columns; longer text ends in `…`.
    var maxCellWidth = 40
    /// Columns never cut, such as ids that people copy.
    var uncut: Set<Int> = [0]

    init(headers: [String]) { self.headers = headers }

    /// Adds a row; missing cells are empty, extra cells are dropped. Cells are made one-line.
    mutating func append(_ cells: [String]) {
        var row = cells.prefix(headers.count).map(TextCell.oneLine)
        while row.count < headers.count { row.append("") }
        rows.append(row)
    }

    /// The table as lines joined by `\n`, without a final newline; two spaces between columns,
    /// no trailing spaces.
    func render() -> String {
        let cells = ([headers] + rows).map { row in
            row.enumerated().map { i, cell in uncut.contains(i) ? cell : TextCell.truncated(cell, to: maxCellWidth) }
        }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in cells {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        return cells.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : TextCell.padded(cell, to: widths[i]) + "  "
            }
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }.joined(separator: "\n")
    }
}

/// Label/value lines with the values starting in one column: `status`, `get`.
struct KeyValueList {
    private(set) var pairs: [(String, String)] = []

    mutating func append(_ key: String, _ value: String) { pairs.append((key, TextCell.oneLine(value))) }

    /// Lines indented by `indent` spaces, keys padded to the widest key plus two spaces.
    func render(indent: Int = 0) -> String {
        let width = pairs.map { DisplayWidth.of($0.0) }.max() ?? 0
        let pad = String(repeating: " ", count: indent)
        return pairs.map { key, value in
            value.isEmpty ? pad + key : pad + TextCell.padded(key, to: width) + "  " + value
        }.joined(separator: "\n")
    }
}
