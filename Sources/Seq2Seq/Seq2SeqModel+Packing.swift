import Tensor

extension Seq2SeqModel {
    /// The weight matrices that products read: every matrix parameter but the embedding tables
    /// (which lookups read), and the target table when the output layer shares it.
    var productWeights: [Tensor] {
        parameters.map(\.tensor).filter { tensor in
            tensor.rank == 2 && tensor !== encoder.embedding.weight
                && (tensor !== decoder.embedding.weight || config.tieTargetEmbeddings)
        }
    }

    /// Packs every product weight for FP32 decoding (`PackedMatrix`), and folds the target
    /// embedding into the decoder's first input projection (`FoldedEmbedding`) when its table
    /// is small enough: a model loaded to translate calls this once. An optimiser step or a
    /// load drops the packings and makes the fold stale (`Tensor.valuesWritten`), and
    /// training never reads them. Weights with an int8 form keep it; on a CPU without AVX-512
    /// nothing is packed or folded (BLAS is faster there). Returns the number of matrices packed.
    @discardableResult
    public func packForDecoding() -> Int {
        guard PackedMatrix.hasFastKernels else { return 0 }
        var count = 0
        let folding = decoder.foldEmbedding()
        for tensor in productWeights where tensor.quantized == nil {
            // Folded, the first layer's input weights are read only as the table and its feed columns.
            if folding, tensor === decoder.cells[0].weightIH { continue }
            tensor.packed = PackedMatrix(tensor)
            count += 1
        }
        return count
    }
}
