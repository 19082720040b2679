#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import _Kernels

/// Runs the pieces of a split kernel on the engine's threads.
///
/// A decoder step over one sentence's beam splits half a dozen small products in two, each a
/// few tens of microseconds of work; waking one of GCD's threads for each took as long again
/// (two threads ran a beam of one 1.25× faster than one). With two engine threads, the second
/// piece goes instead to a helper thread that spins for a short while after each piece and
/// only then sleeps, as OpenMP's threads do. More threads, or a helper busy with another
/// caller's piece, go through GCD as before.
enum Workers {
    /// Calls `body(piece)` for each piece in `0..<pieces`, on this thread and others, and
    /// returns when all have run.
    static func run(_ pieces: Int, _ body: (Int) -> Void) {
        if pieces == 2, SpinningHelper.shared.run(body) { return }
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: pieces) { box.value($0) }
        }
    }
}

extension Workers {
    /// Calls `body` on blocks of `0..<count` (a weight's output rows), one per engine thread
    /// when the product's `work` (multiply-adds) reaches `minimumWork`; blocks after the first
    /// start at a multiple of 32, whole tiles of the packed kernels.
    static func forRowBlocks(_ count: Int, work: Int, minimumWork: Int, _ body: (Range<Int>) -> Void) {
        let pieces = work >= minimumWork ? min(Engine.threadCount, max(1, count / 64)) : 1
        guard pieces > 1 else { return body(0..<count) }
        run(pieces) { piece in
            let start = (count * piece / pieces) & ~31, end = piece == pieces - 1 ? count : (count * (piece + 1) / pieces) & ~31
            body(start..<end)
        }
    }
}

/// One thread that runs piece 1 of two while the caller runs piece 0.
final class SpinningHelper: @unchecked Sendable {
    static let shared = SpinningHelper()

    /// Pieces posted and pieces finished, counted; the helper runs piece 1 of post n when
    /// `posted` reaches n and sets `finished` to n when done.
    private let posted = Atomic<UInt64>(0), finished = Atomic<UInt64>(0)
    /// Taken by the caller whose pieces the helper serves.
    private let busy = Atomic<Bool>(false)
    /// Set while the helper sleeps on `condition`.
    private let sleeping = Atomic<Bool>(false)
    /// The posted work, written before `posted` is advanced and read after it is seen.
    private var job: ((Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Spins (of `rk_spin_pause`, 20–40 ns each) before the helper sleeps: 100–200 µs, longer
    /// than the gap between two products of a decoder step.
    private let spinLimit = 5_000

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            Unmanaged<SpinningHelper>.fromOpaque(argument!).takeUnretainedValue().serve()
        }, Unmanaged.passRetained(self).toOpaque())
        precondition(started == 0, "could not start the engine's helper thread (error \(started))")
        pthread_detach(thread)
    }

    /// Runs `body(0)` here and `body(1)` on the helper; false (nothing run) when the helper is
    /// serving another caller.
    func run(_ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = body
            let ticket = posted.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            if sleeping.load(ordering: .sequentiallyConsistent) {
                pthread_mutex_lock(mutex)
                pthread_cond_signal(condition)
                pthread_mutex_unlock(mutex)
            }
            body(0)
            while finished.load(ordering: .acquiring) != ticket { rk_spin_pause() }
            job = nil
        }
        return true
    }

    /// The helper's loop: wait for a post (spinning, then sleeping), run piece 1, report.
    private func serve() -> Never {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < spinLimit {
                    rk_spin_pause()
                    continue
                }
                // Sleep. A poster reads `sleeping` after advancing `posted`, and this thread reads
                // `posted` after setting `sleeping`, so one of the two sees the other's write;
                // the mutex makes a signal wait until this thread is waiting.
                pthread_mutex_lock(mutex)
                sleeping.store(true, ordering: .sequentiallyConsistent)
                while posted.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(condition, mutex) }
                sleeping.store(false, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = posted.load(ordering: .acquiring)
            job!(1)
            finished.store(seen, ordering: .releasing)
        }
    }
}
