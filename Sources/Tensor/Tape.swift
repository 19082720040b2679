#if canImport(Glibc)
import Glibc
#endif
import _Kernels

/// Records the operations of a forward pass, and runs their pullbacks in reverse.
///
///     let tape = Tape()
///     let loss = tape.record { model.loss(batch) }   // ops append their pullbacks
///     tape.backward(loss)                              // gradients land in parameters
///
/// Ops record only while a tape is recording on the current thread and one of their inputs
/// `requiresGrad`; outside `record` (inference) nothing is recorded and no tape entry is
/// allocated. The recording order is a topological order of the graph, so running the
/// pullbacks backwards visits every tensor after all of its consumers.
public final class Tape {
    private var pullbacks: [() -> Void] = []
    /// Weights packed for this recording's loops and their backward passes (`StepPacks`).
    let packScope = PackScope()

    public init() { pullbacks.reserveCapacity(1 << 12) }

    /// Number of recorded operations.
    public var count: Int { pullbacks.count }

    /// Runs `body` with this tape recording on the current thread.
    public func record<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = Tape.current
        Tape.current = self
        Engine.parametersChanged()  // a new step: bf16 roundings of weights are remade
        defer { Tape.current = previous }
        return try body()
    }

    /// Backpropagates from `output`, whose gradient is taken to be `gradient` (by default 1
    /// for a scalar), then forgets the recording, which frees the saved activations.
    public func backward(_ output: Tensor, gradient: Tensor? = nil) {
        if let gradient {
            precondition(gradient.shape == output.shape, "gradient \(gradient.shape) for output \(output.shape)")
            rk_acc(output.count, 1, gradient.pointer, output.gradBuffer)
        } else {
            precondition(output.count == 1, "backward from a tensor of shape \(output.shape) needs its gradient")
            output.gradBuffer[0] += 1
        }
        runPullbacks()
    }

    /// Runs the recorded pullbacks in reverse, with whatever gradients are already seeded.
    func runPullbacks() {
        while let pullback = pullbacks.popLast() { pullback() }
        packScope.release(everything: true)
    }

    /// Forgets the recording without backpropagating.
    public func reset() {
        pullbacks.removeAll(keepingCapacity: true)
        packScope.discard()
    }

    /// Appends the pullback of an op whose output is `output`.
    func append(_ output: Tensor, _ pullback: @escaping () -> Void) {
        output.requiresGrad = true
        pullbacks.append(pullback)
    }

    /// Appends work for backward to do when it reaches this point (after the pullbacks of
    /// everything recorded later).
    func appendMark(_ work: @escaping () -> Void) { pullbacks.append(work) }

    // MARK: The current tape of this thread

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The tape recording on this thread, if any.
    static var current: Tape? {
        get { pthread_getspecific(key).map { Unmanaged<Tape>.fromOpaque($0).takeUnretainedValue() } }
        set { pthread_setspecific(key, newValue.map { Unmanaged.passUnretained($0).toOpaque() }) }
    }

    /// Whether a tape is recording on this thread.
    public static var isRecording: Bool { current != nil }

    /// Runs `body` with recording paused on this thread (inside a training step: a greedy
    /// decode for validation, say).
    public static func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = current
        current = nil
        defer { current = previous }
        return try body()
    }

    /// The tape to record an op on, when its inputs need it.
    @inline(__always) static func recording(_ a: Tensor) -> Tape? {
        a.requiresGrad ? current : nil
    }
    @inline(__always) static func recording(_ a: Tensor, _ b: Tensor) -> Tape? {
        a.requiresGrad || b.requiresGrad ? current : nil
    }
    @inline(__always) static func recording(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tape? {
        a.requiresGrad || b.requiresGrad || c.requiresGrad ? current : nil
    }
    static func recording(_ inputs: [Tensor]) -> Tape? {
        inputs.contains { $0.requiresGrad } ? current : nil
    }
}
