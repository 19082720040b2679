import ArgumentParser
import Foundation
import Seq2Seq

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Write an int8 copy of a model bundle, which translate and summarize decode with int8 products.",
        discussion: """
            Every weight matrix is stored as int8 with one scale per output row (the row's largest \
            magnitude maps to 127); activations are quantised per row while decoding. The weights file \
            is about a quarter of the float32 one. Example: recur quantize --model runs/x/model --out runs/x/model-int8
            """)

    @Option(help: "The float32 model bundle.")
    var model: String

    @Option(help: "Where to write the int8 bundle (a new directory, or an older int8 bundle to replace).")
    var out: String

    func run() throws {
        do {
            let source = URL(fileURLWithPath: model), target = URL(fileURLWithPath: out)
            guard source.standardizedFileURL != target.standardizedFileURL else {
                throw ValidationError("--out must differ from --model: quantizing replaces the float32 weights")
            }
            var (bundle, loaded) = try ModelBundle.load(from: source)
            guard bundle.settings.quantization == nil else { throw ValidationError("\(model) is already quantized (\(bundle.settings.quantization!.rawValue))") }
            let matrices = loaded.quantize()
            bundle.settings.quantization = .int8
            try bundle.save(loaded, to: target)
            func size(_ url: URL) -> Int { (try? url.appendingPathComponent("model.safetensors").resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 }
            print("quantized \(matrices) weight matrices to int8: \(out) (weights \(size(target) >> 10) KiB, float32 \(size(source) >> 10) KiB)")
        } catch let error as ValidationError { throw error } catch { throw fail(error) }
    }
}
