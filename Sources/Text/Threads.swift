#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body(0)` on the calling thread and `body(1)` … `body(count - 1)` on threads started
/// for the call, and returns when all have finished.
///
/// Threads of our own rather than `DispatchQueue.concurrentPerform`, for short commands: on
/// Linux libdispatch grows its pool from a monitor that can take milliseconds to add a thread,
/// and `recur tokenize` on a 30,000-line corpus is done in about 25 (measured: the second
/// worker started 0.1–3.5 ms after the first with dispatch). Starting a thread costs ~50 µs.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    var threads: [pthread_t] = []
    for index in 1..<max(1, count) {
        if let thread = startThread({ body(index) }) { threads.append(thread) } else { body(index) }
    }
    body(0)
    for thread in threads { pthread_join(thread, nil) }
}

/// A computation started on a thread of its own at `init`; `result()` waits for it and
/// returns its value or throws its error. Dropped without `result()`, it is still waited for.
final class BackgroundTask<Value>: @unchecked Sendable {
    /// Written by the thread, read after joining it. Not `self`: the thread must not keep the
    /// task alive, or a task dropped early would be released (and join itself) on its thread.
    private final class Outcome: @unchecked Sendable {
        var value: Result<Value, Error>?
    }
    private var thread: pthread_t?
    private let outcome = Outcome()

    init(_ body: @escaping @Sendable () throws -> Value) {
        let outcome = self.outcome
        thread = startThread { outcome.value = Result { try body() } }
        if thread == nil { outcome.value = Result { try body() } }
    }

    deinit { if let thread { pthread_join(thread, nil) } }

    /// The computation's value, once it has finished (waiting for it if need be).
    func result() throws -> Value {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        return try outcome.value!.get()
    }
}

/// Starts a thread running `body`; nil if the system would not start one.
private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    let task = Unmanaged.passRetained(ThreadTask(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { context in
        Unmanaged<ThreadTask>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, task)
    guard started == 0 else {
        Unmanaged<ThreadTask>.fromOpaque(task).release()
        return nil
    }
    return thread
}

private final class ThreadTask {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
