import Foundation
import Testing

@testable import Tensor

/// The fused LSTM and GRU cells against PyTorch's `LSTMCell` and `GRUCell`: outputs and
/// every gradient. Fixtures/cells.json was written by Fixtures/make_cell_fixtures.py.
@Suite struct CellReferenceTests {
    struct Case: Decodable {
        let batch: Int, input: Int, hidden: Int
        let x: [Float], h: [Float], c: [Float]?
        let w_ih: [Float], w_hh: [Float], b_ih: [Float], b_hh: [Float]
        let upstream_h: [Float], upstream_c: [Float]?
        let h_out: [Float], c_out: [Float]?
        let grad_x: [Float], grad_h: [Float], grad_c: [Float]?
        let grad_w_ih: [Float], grad_w_hh: [Float], grad_b_ih: [Float], grad_b_hh: [Float]
    }
    struct Fixture: Decodable { let lstm: Case, gru: Case }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cells.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The inputs and weights of a case as parameters, gates = (4 or 3) × H.
    struct Parameters {
        let x: Tensor, h: Tensor, wIH: Tensor, wHH: Tensor, bIH: Tensor, bHH: Tensor
        init(_ c: Case, gates: Int) {
            let (b, i, h) = (c.batch, c.input, c.hidden)
            x = Tensor(c.x, shape: [b, i]); self.h = Tensor(c.h, shape: [b, h])
            wIH = Tensor(c.w_ih, shape: [gates * h, i]); wHH = Tensor(c.w_hh, shape: [gates * h, h])
            bIH = Tensor(c.b_ih, shape: [gates * h]); bHH = Tensor(c.b_hh, shape: [gates * h])
            for t in [x, self.h, wIH, wHH, bIH, bHH] { t.requiresGrad = true }
        }
        func expectGradients(_ c: Case) {
            expectClose(x.grad!.array, c.grad_x, "dx")
            expectClose(h.grad!.array, c.grad_h, "dh")
            expectClose(wIH.grad!.array, c.grad_w_ih, "dW_ih")
            expectClose(wHH.grad!.array, c.grad_w_hh, "dW_hh")
            expectClose(bIH.grad!.array, c.grad_b_ih, "db_ih")
            expectClose(bHH.grad!.array, c.grad_b_hh, "db_hh")
        }
    }

    @Test func lstmMatchesPyTorch() throws {
        let c = Self.fixture.lstm
        let p = Parameters(c, gates: 4)
        let cell = Tensor(try #require(c.c), shape: [c.batch, c.hidden])
        cell.requiresGrad = true
        let tape = Tape()
        let (h1, c1) = tape.record {
            lstmCell(gates: linear(p.x, weight: p.wIH, bias: p.bIH) + linear(p.h, weight: p.wHH, bias: p.bHH), cell: cell)
        }
        expectClose(h1.array, c.h_out, "h'")
        expectClose(c1.array, try #require(c.c_out), "c'")
        let upstream = concat([Tensor(c.upstream_h, shape: h1.shape), Tensor(try #require(c.upstream_c), shape: c1.shape)], axis: 0)
        let both = tape.record { concat([h1, c1], axis: 0) }
        tape.backward(both, gradient: upstream)
        p.expectGradients(c)
        expectClose(cell.grad!.array, try #require(c.grad_c), "dc")
    }

    @Test func gruMatchesPyTorch() {
        let c = Self.fixture.gru
        let p = Parameters(c, gates: 3)
        let tape = Tape()
        let h1 = tape.record {
            gruCell(inputGates: linear(p.x, weight: p.wIH, bias: p.bIH),
                    hiddenGates: linear(p.h, weight: p.wHH, bias: p.bHH), hidden: p.h)
        }
        expectClose(h1.array, c.h_out, "h'")
        tape.backward(h1, gradient: Tensor(c.upstream_h, shape: h1.shape))
        p.expectGradients(c)
    }
}
