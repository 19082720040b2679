import Foundation
import Testing

@testable import Tensor

/// Weights files written by Recur read back exactly; damaged ones give errors that name the
/// file and the problem, never a crash.
@Suite struct SafeTensorsTests {
    @Test func roundTrip() throws {
        let data = try SafeTensors.encode([("a", Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])), ("b", Tensor(scalar: -1.5))], metadata: ["k": "v"])
        let (tensors, metadata) = try SafeTensors.decode(data, source: "x.safetensors")
        #expect(tensors["a"]!.shape == [2, 3] && tensors["a"]!.array == [1, 2, 3, 4, 5, 6])
        #expect(tensors["b"]!.scalar == -1.5 && metadata == ["k": "v"])
    }

    /// A header of `json` followed by `dataBytes` zero bytes.
    func file(_ json: String, dataBytes: Int = 0, length: UInt64? = nil) -> Data {
        var data = Data()
        withUnsafeBytes(of: (length ?? UInt64(json.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(json.utf8))
        data.append(Data(count: dataBytes))
        return data
    }

    @Test(arguments: [
        (Data([1, 2, 3]), "w.st: too short for a safetensors file (3 bytes)"),
        (Data(repeating: 0xFF, count: 16), "w.st: header length 18446744073709551615 does not fit in 16 bytes: not a safetensors file, or truncated"),
        (Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("[]".utf8), "w.st: the header is not a JSON object"),
        (Data([4, 0, 0, 0, 0, 0, 0, 0]) + Data("{}{}".utf8), "w.st: the header is not a JSON object"),
    ])
    func damagedFiles(data: Data, message: String) {
        #expect(throws: SafeTensors.FormatError.self) { try SafeTensors.decode(data, source: "w.st") }
        do { _ = try SafeTensors.decode(data, source: "w.st") } catch { #expect("\(error)" == message) }
    }

    @Test func malformedEntries() {
        func message(_ json: String, dataBytes: Int = 0) -> String {
            do { _ = try SafeTensors.decode(file(json, dataBytes: dataBytes), source: "w.st"); return "no error" } catch { return "\(error)" }
        }
        #expect(message(#"{"a":{"dtype":"F32","shape":[-2,3],"data_offsets":[0,0]}}"#) == "w.st: tensor 'a' has a negative dimension in shape [-2, 3]")
        #expect(message(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#) == "w.st: tensor 'a' has an impossibly large shape [4611686018427387904, 4]")
        #expect(message(#"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8) == "w.st: tensor 'a' has dtype I32; Recur reads F32, F64, F16, BF16 and I8")
        #expect(message(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 4) == "w.st: tensor 'a' (F32 [2]) has byte range [0, 8] that does not match its size or the file")
        #expect(message(#"{"a":{"shape":[2]}}"#) == "w.st: tensor 'a' has a malformed header entry")
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("f.txt")
        try AtomicFile.write(Data("old".utf8), to: target)
        try AtomicFile.write(Data("new".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["f.txt"])
        #expect(throws: SafeTensors.FormatError.self) { try AtomicFile.write(Data(), to: directory.appendingPathComponent("missing/f.txt")) }
    }
}

/// Reading maps the file: float32 tensors are views of the mapping, private to the process.
@Suite struct MappedWeightsTests {
    @Test func float32TensorsBorrowTheMappingAndWritesStayPrivate() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([7, 8], shape: [2])
        try SafeTensors.write([("w", w), ("b", b)], to: url)
        let original = try Data(contentsOf: url)

        let read = try SafeTensors.read(url).tensors
        let mappedW = try #require(read["w"])
        #expect(mappedW.array == w.array && read["b"]?.array == b.array)
        #expect(mappedW.storage.owner is MappedFile && mappedW.storage.pool == nil, "a borrowed view, not a copy")
        mappedW.pointer[0] = 100  // copy-on-write: the file keeps its bytes
        #expect(try Data(contentsOf: url) == original)

        // A parameter that adopts a mapped tensor uses its memory from then on.
        let parameter = Tensor.zeros([2, 3])
        try adoptNamedTensors(["w": mappedW], into: [("w", parameter)])
        #expect(parameter.pointer == mappedW.pointer && parameter.array == [100, 2, 3, 4, 5, 6])
        #expect(throws: NamedTensorMismatch.shape(name: "w", saved: [2, 3], expected: [3, 2])) {
            try adoptNamedTensors(["w": mappedW], into: [("w", Tensor.zeros([3, 2]))])
        }
    }
}
