extension Admission {
    /// The access rules' half of admission: refuses the whole push with `forbidden` at the first
    /// op `department` may not write, naming its index, dot, collection, field and the rule.
    /// Pure; run before ``admit(_:pushedBy:schema:log:wallMilliseconds:maxSkewMilliseconds:)``.
    public static func checkAccess(_ ops: [Op], department: String, rules: AccessRules) throws(Refusal) {
        guard !rules.isOpen else { return }
        for (i, op) in ops.enumerated() {
            if let rule = rules.writeDenial(department, op.collection, op.field) {
                throw Refusal(code: .forbidden,
                              message: "op \(i) (\(op.dot)): department \(department) may not write \(op.collection).\(op.field) (rule \(rule))",
                              index: i)
            }
        }
    }
}
