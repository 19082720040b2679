import NN
import Tensor

/// The target embedding folded into the decoder's first input projection, for decoding.
///
/// The first cell's gates take x·W_ihᵀ + b_ih with x = [embedding(y); h̃] (input feeding) or
/// x = embedding(y). The embedding's share depends on the word alone, so once weights stop
/// changing it is a table, T = Emb·W_ih[:, :E]ᵀ + b_ih (V × G·H), and a step reads one row of
/// it per hypothesis instead of multiplying by E·G·H weights: a tenth of configuration B's
/// decoding work, and a tenth of the weights each step of batch-1 beam search reads from
/// memory. The sums are the same but for their order (float rounding, ~1e-6 relative).
///
/// `Seq2SeqModel.packForDecoding` makes one when the table stays within `maximumBytes`
/// (configuration B: 8000 × 4096 floats, 125 MiB); a write to any weight it was made from
/// (an optimiser step, a load) makes it stale, and steps go back to the product.
struct FoldedEmbedding {
    /// The largest table made: beyond it the memory costs more than the product saves.
    static let maximumBytes = 256 << 20

    /// V × G·H: row v is embedding(v)·W_ih[:, :E]ᵀ + b_ih.
    let table: Tensor
    /// W_ih's input-feeding columns W_ih[:, E:] (G·H × D), packed; nil without input feeding.
    let feed: PackedMatrix?
    /// The tensors the table was made from, with their write counts then.
    private let sources: [(tensor: Tensor, writes: Int)]
    /// W_ih, whose int8 form, once it has one, is what decoding should read instead.
    private let inputWeight: Tensor

    /// Folds `embedding` (V × E) into `cell`, whose input is [embedding; feed] (G·H × (E + D))
    /// or the embedding alone (G·H × E). Nil when the table would pass `maximumBytes`, or
    /// when W_ih has an int8 form.
    init?(embedding: Tensor, cell: RecurrentCell) {
        let (v, e) = (embedding.shape[0], embedding.shape[1])
        let gates = cell.weightIH.shape[0], feedSize = cell.inputSize - e
        guard v * gates * MemoryLayout<Float>.stride <= Self.maximumBytes, feedSize >= 0, cell.weightIH.quantized == nil else { return nil }
        inputWeight = cell.weightIH
        (table, feed) = Tape.withoutRecording {
            let parts = cell.weightIH.split(axis: 1, sizes: [e, feedSize])  // (G·H, E), (G·H, D)
            return (linear(embedding, weight: parts[0], bias: cell.biasIH), feedSize > 0 ? PackedMatrix(parts[1]) : nil)
        }
        sources = [embedding, cell.weightIH, cell.biasIH].map { ($0, $0.writes) }
    }

    /// Whether no weight it was made from has been written since, and W_ih has no int8 form.
    var isCurrent: Bool { inputWeight.quantized == nil && sources.allSatisfy { $0.tensor.writes == $0.writes } }

    /// The first cell's projected input (n, G·H) for previous tokens `tokens` (ids < V) and,
    /// with input feeding, the previous attentional vectors `feed` (n, D).
    func project(_ tokens: [Int32], feed h̃: Tensor) -> Tensor {
        let projected = table.gatherRows(tokens)  // (n, G·H)
        feed?.accumulate(h̃, into: projected)
        return projected
    }
}
