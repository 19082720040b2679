/// A growable byte buffer written through a pointer: where the line workers put their
/// output. Its state lives behind an unsafe pointer rather than in `var` properties: appending
/// a few bytes per token would otherwise pay a dynamic exclusivity check (a thread-local
/// lookup on Linux) on every call, which cost more than the copy.
final class ByteSink {
    private struct State {
        var base: UnsafeMutablePointer<UInt8>
        var count: Int
        var capacity: Int
    }

    private let state: UnsafeMutablePointer<State>

    init(capacity: Int = 1 << 16) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(base: .allocate(capacity: capacity), count: 0, capacity: capacity))
    }

    deinit {
        state.pointee.base.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Number of bytes written.
    var count: Int { state.pointee.count }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: state.pointee.base, count: state.pointee.count) }

    @inline(__always) func append(_ byte: UInt8) {
        if state.pointee.count == state.pointee.capacity { grow(to: state.pointee.count + 1) }
        state.pointee.base[state.pointee.count] = byte
        state.pointee.count += 1
    }

    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if state.pointee.count + bytes.count > state.pointee.capacity { grow(to: state.pointee.count + bytes.count) }
        (state.pointee.base + state.pointee.count).update(from: source, count: bytes.count)
        state.pointee.count += bytes.count
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func removeAll() { state.pointee.count = 0 }

    private func grow(to needed: Int) {
        var capacity = state.pointee.capacity
        while capacity < needed { capacity *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: state.pointee.base, count: state.pointee.count)
        state.pointee.base.deallocate()
        state.pointee.base = larger
        state.pointee.capacity = capacity
    }
}
