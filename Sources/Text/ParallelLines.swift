import Foundation

/// Turns one line into its output line; each worker keeps its own state (tokenizer, BPE
/// cache) and is used by one thread at a time.
protocol LineWorker: AnyObject {
    /// Appends the output for `line` (valid UTF-8, without "\n") to `output`, without "\n".
    func process(_ line: UnsafeBufferPointer<UInt8>, into output: ByteSink) throws
}

/// Maps every line of a file to one output line, on all cores: blocks of whole lines are
/// read, cut into one part per worker, processed in parallel and written in order, so the
/// output is the same as one worker's. Lines are checked as UTF-8; an error names the file,
/// line and byte.
enum ParallelLines {
    /// Runs `makeWorker(index)` once per worker (in parallel, as building one can take a few
    /// milliseconds) and maps `input` to `output` with `workerCount` workers.
    static func map(
        input: String, output: String, workerCount: Int, makeWorker: @escaping @Sendable (Int) throws -> LineWorker
    ) throws {
        try map(input: input, output: output, workerCount: workerCount, prepare: {}) { index, _ in try makeWorker(index) }
    }

    /// Runs `prepare` (loading BPE codes, say) on a thread of its own while the input is opened
    /// and its first block read, then `makeWorker(index, prepared)` once per worker, and maps
    /// `input` to `output`. An error from `prepare` or in reading the first block comes before
    /// `output` is opened: a command given a bad codes file leaves an existing output as it was.
    static func map<Prepared>(
        input: String, output: String, workerCount: Int, prepare: @escaping @Sendable () throws -> Prepared,
        makeWorker: @escaping @Sendable (Int, Prepared) throws -> LineWorker
    ) throws {
        try checkDistinct(input: input, output: output)
        let preparing = BackgroundTask(prepare)
        let reader = try BlockReader(path: input)
        var next = try reader.nextBlock()
        let prepared = UncheckedSendable(try preparing.result())
        let writer = try LineWriter(path: output)
        let state = SharedState(count: max(1, workerCount))
        while let block = next {
            let parts = cut(block.bytes, into: block.bytes.count < 1 << 16 ? 1 : state.count)
            try block.bytes.withUnsafeBufferPointer { bytes in
                let shared = SendablePointer(bytes)
                let name = reader.name
                let run: @Sendable (Int) -> Void = { index in
                    do {
                        if state.workers[index] == nil { state.workers[index] = try makeWorker(index, prepared.value) }
                        let part = UnsafeBufferPointer(rebasing: shared.buffer[parts[index].range])
                        try process(part, firstLine: block.firstLine + parts[index].lineOffset, file: name,
                                    worker: state.workers[index]!, into: state.outputs[index])
                    } catch {
                        state.errors[index] = error
                    }
                }
                runOnThreads(parts.count, run)
                if let error = state.firstError { throw error }
            }
            for index in parts.indices {
                writer.write(state.outputs[index].bytes)
                state.outputs[index].removeAll()
            }
            next = try reader.nextBlock()
        }
        writer.flush()
    }

    /// Refuses an output that is the input file itself (or a link to it): it would be emptied,
    /// or overwritten, while it is read.
    private static func checkDistinct(input: String, output: String) throws {
        guard input != "-", output != "-" else { return }
        var inputStatus = stat(), outputStatus = stat()
        guard stat(input, &inputStatus) == 0, stat(output, &outputStatus) == 0 else { return }
        if inputStatus.st_dev == outputStatus.st_dev && inputStatus.st_ino == outputStatus.st_ino {
            throw TextError.outputIsInput(input: input, output: output)
        }
    }

    /// `bytes` cut at line ends into up to `count` parts of similar size, each with the number
    /// of lines before it.
    private static func cut(_ bytes: [UInt8], into count: Int) -> [(range: Range<Int>, lineOffset: Int)] {
        var parts: [(range: Range<Int>, lineOffset: Int)] = []
        var start = 0
        var lines = 0
        for index in 0..<count where start < bytes.count {
            var end = index == count - 1 ? bytes.count : max(start, bytes.count * (index + 1) / count)
            while end < bytes.count && (end == 0 || bytes[end - 1] != 0x0A) { end += 1 }
            parts.append((start..<end, lines))
            lines += bytes[start..<end].withUnsafeBufferPointer(BlockReader.lineCount)
            start = end
        }
        return parts.isEmpty ? [(0..<0, 0)] : parts
    }

    private static func process(
        _ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int, file: String, worker: LineWorker, into output: ByteSink
    ) throws {
        var start = 0
        var line = firstLine
        while start < bytes.count {
            let end = nextLineEnd(bytes, from: start)
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if let bad = firstInvalidUTF8Byte(text) { throw TextError.invalidUTF8(file: file, line: line, byte: bad + 1) }
            try worker.process(text, into: output)
            output.append(0x0A)
            start = end + 1
            line += 1
        }
    }

    /// The index of the next "\n" at or after `start`, or the end of `bytes`.
    private static func nextLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return bytes.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Per-worker slots; each index is touched by one thread at a time. Raw storage rather
    /// than arrays: threads writing different elements of one Swift array still race on the
    /// array itself.
    private final class SharedState: @unchecked Sendable {
        let count: Int
        let workers: UnsafeMutablePointer<LineWorker?>
        let outputs: [ByteSink]
        let errors: UnsafeMutablePointer<Error?>
        init(count: Int) {
            self.count = count
            workers = .allocate(capacity: count)
            workers.initialize(repeating: nil, count: count)
            outputs = (0..<count).map { _ in ByteSink() }
            errors = .allocate(capacity: count)
            errors.initialize(repeating: nil, count: count)
        }
        deinit {
            workers.deinitialize(count: count)
            workers.deallocate()
            errors.deinitialize(count: count)
            errors.deallocate()
        }
        var firstError: Error? { (0..<count).lazy.compactMap { self.errors[$0] }.first }
    }

    private struct SendablePointer: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
    }
}
