import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A 64-byte-aligned block of Float32s, returned to its pool when the last tensor using it
/// goes away. Training repeats the same shapes step after step, so after the first
/// steps every buffer an op asks for comes from the pool: no allocation per op.
///
/// A storage can also borrow memory it does not own (a tensor in a memory-mapped weights
/// file): it then keeps the owner alive and gives nothing back.
final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    /// Elements allocated (at least what was asked for: the pool rounds sizes up).
    let capacity: Int
    let pool: BufferPool?
    /// What a borrowing storage's memory belongs to.
    let owner: AnyObject?

    /// - Parameter exactSize: take a buffer of `count`'s own size class, never a larger
    ///   cached one (for a buffer kept for good: a parameter's gradient).
    init(count: Int, exactSize: Bool = false) {
        let pool = BufferPool.current
        (pointer, capacity) = pool.take(count, exactSize: exactSize)
        (self.pool, owner) = (pool, nil)
    }

    /// Storage of `count` elements at `pointer`, inside memory that `owner` keeps valid.
    init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        (self.pointer, capacity, pool, self.owner) = (pointer, count, nil, owner)
    }

    deinit { pool?.give(pointer, capacity: capacity) }
}

/// A cache of freed buffers, by size class. Sizes are rounded up to one of four classes per
/// power of two (so at most 25% is wasted), which lets batches of slightly different
/// lengths share buffers.
///
/// What this means for memory: a training process's peak resident memory is the most the
/// pool has *held* (buffers in use plus cached), plus ~20 MiB of code and libraries, not the
/// most in use at any one moment. A cached buffer stays resident until something reuses it,
/// so a tensor made smaller or shorter-lived at the step's busiest moment saves nothing while
/// its size class is still needed as much at another moment, and a buffer serves one request
/// at a time: memory that two moments need is shared only when each asks for it in one piece
/// of a size class (configuration B's decoder packings and its logits, 48 MiB that its forward
/// packings, the logits and the backward packings take in turn: `SharedPackings`).
public final class BufferPool: Sendable {
    public static let shared = BufferPool()

    public init() {}

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The pool new tensors on this thread draw from: `shared`, unless inside `use(_:)`.
    public static var current: BufferPool {
        pthread_getspecific(key).map { Unmanaged<BufferPool>.fromOpaque($0).takeUnretainedValue() } ?? shared
    }

    /// Runs `body` with tensors created on this thread drawing from this pool (a server's
    /// per-worker pool, or a test that counts allocations).
    public func use<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = pthread_getspecific(Self.key)
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Self.key, previous) }
        return try body()
    }

    private struct State {
        /// Buffers by size class, as addresses (pointers are not `Sendable`).
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
        var allocations = 0
    }
    private let state = Mutex(State())
    /// Freed buffers beyond this many bytes go back to the system.
    private let limitBytes = 8 << 30

    /// Buffers allocated from the system so far (a pool that works keeps this flat).
    public var systemAllocations: Int { state.withLock { $0.allocations } }

    /// Bytes held in the cache, free for reuse.
    public var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// Gives every cached buffer back to the system.
    public func trim() {
        state.withLock { state in
            for buffers in state.free.values { buffers.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) } }
            state.free = [:]
            state.cachedBytes = 0
        }
    }

    static func sizeClass(_ count: Int) -> Int {
        let n = max(count, 64)
        let power = Int.bitWidth - (n - 1).leadingZeroBitCount - 1  // 2^power < n ≤ 2^(power+1)
        let quarter = 1 << max(power - 2, 0)
        return (n + quarter - 1) / quarter * quarter
    }

    /// Buffers from this many elements up (1 MiB) count as large: see `take`.
    static let largeSize = 1 << 18

    func take(_ count: Int, exactSize: Bool = false) -> (UnsafeMutablePointer<Float>, Int) {
        let size = Self.sizeClass(count)
        // The exact class, or failing that the next few larger ones (up to twice the size):
        // batches whose shapes vary (a token budget varies the sentences per batch) would
        // otherwise leave a cache of buffers in every class they visit.
        let (found, evicted) = state.withLock { state -> ((UInt, Int)?, [UInt]) in
            var candidate = size
            for _ in 0..<(exactSize ? 1 : 5) where candidate <= 2 * size {
                if let address = state.free[candidate]?.popLast() {
                    state.cachedBytes -= candidate * 4
                    return ((address, candidate), [])
                }
                candidate = Self.sizeClass(candidate + 1)
            }
            // A large buffer is about to be made. Cached large ones at least half its size
            // go back to the system: what they served, this one will serve, and kept they
            // would sit idle at the peak (a batch's logits, N × V, change class as N does).
            guard size >= Self.largeSize, !exactSize else { return (nil, []) }
            var evicted: [UInt] = []
            for smaller in state.free.keys where smaller >= size / 2 && smaller < size {
                evicted += state.free[smaller]!
                state.cachedBytes -= smaller * 4 * state.free[smaller]!.count
                state.free[smaller] = nil
            }
            return (nil, evicted)
        }
        if let (address, taken) = found { return (UnsafeMutablePointer(bitPattern: address)!, taken) }
        evicted.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, size * MemoryLayout<Float>.stride) == 0, let raw else {
            fatalError("out of memory allocating \(size * 4) bytes for a tensor")
        }
        state.withLock { $0.allocations += 1 }
        return (raw.bindMemory(to: Float.self, capacity: size), size)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let address = UInt(bitPattern: pointer)
        let kept = state.withLock { state -> Bool in
            guard state.cachedBytes + capacity * 4 <= limitBytes else { return false }
            state.free[capacity, default: []].append(address)
            state.cachedBytes += capacity * 4
            return true
        }
        if !kept { free(pointer) }
    }
}
