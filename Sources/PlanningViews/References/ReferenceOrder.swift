import SyncModel

/// Orders groups keyed by a reference (e.g. overdue items by department): by name, then id
/// (bytes); the unset reference last.
enum ReferenceOrder {
    static func precedes(_ a: Reference?, _ b: Reference?) -> Bool {
        guard let a else { return false }
        guard let b else { return true }
        let na = a.name ?? "", nb = b.name ?? ""
        return ExactText.equal(na, nb) ? ExactText.less(a.id, b.id) : ExactText.less(na, nb)
    }
}
