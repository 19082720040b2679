import _Kernels

/// A parameter's gradient held as the rows that have received any: an embedding table's,
/// whose lookups reach a few of its rows a batch. (The reference benchmark's batches of 64
/// sentences reach ~1,200 of 8,000 rows: 2.3 MiB instead of 16 for each of configuration
/// B's two tables, and so 27 MiB less in use at the training peak, where every parameter's
/// gradient is alive; 18 MiB less resident, as the pool's cache keeps some of it.)
///
/// A row not held is zero. The optimisers update every row as if the gradient were one
/// buffer (where it is zero, Adam's moments still decay and its update still moves the
/// row), so training computes exactly the same numbers; only memory differs. Anything that
/// asks for the gradient as one buffer (`Tensor.grad`, a pullback adding a product into it,
/// as a tied output layer's does) turns it into one first (`GradientCell.buffer`).
public final class RowGradient: @unchecked Sendable {
    /// Rows of the table.
    public let rowCount: Int
    /// Elements per row.
    public let width: Int
    /// The rows held, in the order first reached.
    public private(set) var ids: [Int32] = []
    /// For each row of the table, its place in `ids`, or −1.
    private var places: [Int32]
    /// ids.count × width, in the order of `ids`.
    private var storage: Storage?

    init(rowCount: Int, width: Int) {
        (self.rowCount, self.width) = (rowCount, width)
        places = [Int32](repeating: -1, count: rowCount)
    }

    /// Every value held (ids.count × width): all that is not zero, for a norm or a scaling.
    public var values: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage?.pointer, count: ids.count * width)
    }

    /// Row `row`'s gradient (`width` values), or nil where it is zero.
    public func row(_ row: Int) -> UnsafePointer<Float>? {
        let place = places[row]
        guard place >= 0, let storage else { return nil }
        return UnsafePointer(storage.pointer + Int(place) * width)
    }

    /// dW[indices[i]] += dy[i] (dy: indices.count × width) for each i whose index is not
    /// `skipping`: an embedding lookup's pullback.
    func accumulate(_ dy: UnsafePointer<Float>, at indices: [Int32], skipping: Int32?) {
        var added: [Int32] = []
        for index in indices where index != skipping && places[Int(index)] < 0 {
            places[Int(index)] = Int32(ids.count + added.count)
            added.append(index)
        }
        if !added.isEmpty { grow(by: added) }
        guard let base = storage?.pointer else { return }  // every id was `skipping`
        for (i, index) in indices.enumerated() where index != skipping {
            rk_acc(width, 1, dy + i * width, base + Int(places[Int(index)]) * width)
        }
    }

    /// Adds room for `added` rows, zeroed, after the rows already held: in the buffer's spare
    /// room when it has enough, else in a new one at least half as large again. (The decoder
    /// looks its table up once a time step: a buffer made to measure each time would copy
    /// every row held, and take a pool buffer of a new size, at every step.)
    private func grow(by added: [Int32]) {
        let (held, total) = (ids.count * width, (ids.count + added.count) * width)
        if storage.map({ $0.capacity < total }) ?? true {
            let grown = Storage(count: max(total, held + held / 2))
            if let storage { grown.pointer.update(from: storage.pointer, count: held) }
            storage = grown
        }
        (storage!.pointer + held).update(repeating: 0, count: total - held)
        ids += added
    }

    /// Adds every row held into `dense` (rowCount × width).
    func scatter(into dense: UnsafeMutablePointer<Float>) {
        guard let storage else { return }
        for (place, id) in ids.enumerated() {
            rk_acc(width, 1, storage.pointer + place * width, dense + Int(id) * width)
        }
    }
}
