import Foundation

/// The open-file limit: `memory` holds 1,000 connections in this process and as many in the
/// daemon it starts (which inherits the limit), more than a default soft limit of 1,024 allows.
enum FileLimit {
    /// Raises the soft limit to the hard limit; leaves it as it is when that fails.
    static func raise() {
        #if os(Linux)
        // Glibc imports RLIMIT_NOFILE as an enum case; the calls take its raw value.
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }
}
