/// The PostgreSQL half of the `scale` scenario: two daemons on one database named by
/// `PLANSYNC_POSTGRES_URL`, or why it is skipped.
enum ScalePostgres {
    /// A factory of the two-daemon cluster, or nil and the reason it is skipped.
    static func fromEnvironment() -> (cluster: (@Sendable () async throws -> ScaleBench.Cluster)?, skipped: String?) {
        (nil, "this build has no PostgreSQL backend yet")
    }
}
