import SyncModel

/// Runs one replica method, turning its failure into ``SyncClientError/replica(_:)`` that names
/// what was being done. The replica rolled its transaction back, so nothing is half-written.
func replicaCall<T>(_ what: String, _ body: () throws -> T) throws(SyncClientError) -> T {
    do {
        return try body()
    } catch let error as SyncClientError {
        throw error
    } catch {
        throw .replica("\(what): \(error)")
    }
}
