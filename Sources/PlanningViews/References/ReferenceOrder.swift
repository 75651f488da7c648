/// Orders groups keyed by a reference (e.g. overdue items by department): by name, then id
/// (bytes); the unset reference last.
enum ReferenceOrder {
    static func precedes(_ a: Reference?, _ b: Reference?) -> Bool {
        guard let a else { return false }
        guard let b else { return true }
        let na = a.name ?? "", nb = b.name ?? ""
        return ByteOrder.same(na, nb) ? ByteOrder.precedes(a.id, b.id) : ByteOrder.precedes(na, nb)
    }
}
