import Dispatch

/// A task executor on a serial dispatch queue of its own: a task started with it as its
/// preference (`Task(executorPreference:)`) may block its thread (a stalled replica in a test)
/// without taking one of the cooperative pool's few threads from every other test.
final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
