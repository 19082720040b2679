import Tensor

extension Seq2SeqModel {
    /// Gives every weight matrix an int8 form (`QuantizedMatrix`: per-row scales), which
    /// decoding's products then use; training and embedding lookups keep the FP32 values.
    /// Returns the number of matrices quantised.
    @discardableResult
    public func quantize() -> Int {
        var count = 0
        for (_, tensor) in parameters where tensor.rank == 2 && tensor.quantized == nil {
            tensor.quantized = QuantizedMatrix(tensor)
            count += 1
        }
        return count
    }

    /// Whether the model decodes with int8 products.
    public var isQuantized: Bool { parameters.contains { $0.tensor.quantized != nil } }
}
