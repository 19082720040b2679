import Foundation

/// Where training reports go: every step's and every validation's figures appended to a
/// JSON-lines file, and a progress display for a person (a live line on a terminal, plain
/// lines otherwise).
public final class TrainingLog {
    private let file: FileHandle?
    private let live: Bool
    private var lastPlainLine = Date.distantPast
    /// Seconds between plain progress lines when stderr is not a terminal.
    public var plainInterval: TimeInterval = 10
    /// Silences the progress display (the JSON lines are still written).
    public var quiet = false

    /// - Parameter url: the JSON-lines file, appended to (nil: none).
    public init(url: URL?) throws {
        if let url {
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: url.path) else {
                throw Checkpoint.LoadError(description: "\(url.path): cannot open the training log for writing")
            }
            handle.seekToEndOfFile()
            file = handle
        } else {
            file = nil
        }
        live = isatty(STDERR_FILENO) != 0
    }

    deinit { try? file?.close() }

    /// Appends one JSON object (keys sorted) to the log file.
    public func record(_ fields: [String: Any]) {
        guard let file, let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        file.write(data + Data("\n".utf8))
    }

    /// A training step's progress line.
    public func progress(_ line: String) {
        guard !quiet else { return }
        if live {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else if Date().timeIntervalSince(lastPlainLine) >= plainInterval {
            lastPlainLine = Date()
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// A line that stays (validation results, checkpoints, the end).
    public func message(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(((live ? "\r\u{1B}[K" : "") + line + "\n").utf8))
    }
}
