// Paired bootstrap resampling between two systems (Koehn, 2004, "Statistical Significance
// Tests for Machine Translation Evaluation"), as sacreBLEU's `--paired-bs` runs it
// (`sacrebleu/significance.py`, `_paired_bs_test`, `_bootstrap_resample`, `estimate_ci`):
// both systems are scored on the same 1000 resamples of segments, drawn by NumPy's
// generator seeded 12345, so the numbers here are sacreBLEU's own.

/// A score with its bootstrap mean and 95% confidence half-width (`Result`).
public struct BootstrapEstimate: Sendable, Equatable, Codable {
    /// The score on the full test set.
    public var score: Double
    /// The mean of the resampled scores.
    public var mean: Double
    /// Half the width of the central 95% of resampled scores.
    public var ci: Double
}

/// The outcome of a paired bootstrap test.
public struct PairedBootstrapResult: Sendable, Equatable, Codable {
    public var baseline: BootstrapEstimate
    public var system: BootstrapEstimate
    /// The probability of a difference at least this large if the systems were equal
    /// (`_compute_p_value`).
    public var pValue: Double
}

/// sacreBLEU's paired bootstrap resampling test (`--paired-bs`).
public struct PairedBootstrap: Sendable {
    /// Resamples (`--paired-bs-n`, default 1000).
    public var resamples: Int
    /// The seed (`SACREBLEU_SEED`, default 12345).
    public var seed: UInt64

    public init(resamples: Int = 1000, seed: UInt64 = 12345) {
        self.resamples = resamples
        self.seed = seed
    }

    /// Compares `system` with `baseline`, each given by its per-segment statistics on the
    /// same test set.
    public func compare<M: AdditiveMetric>(
        metric: M, baseline: SegmentStatistics, system: SegmentStatistics
    ) -> PairedBootstrapResult {
        precondition(baseline.count == system.count, "systems must cover the same segments")
        var rng = NumPyRandom(seed: seed)
        let indices = rng.resampleIndices(rows: resamples, count: baseline.count)
        let baselineScores = indices.map { metric.score(fromTotals: baseline.totals(over: $0)) }
        let systemScores = indices.map { metric.score(fromTotals: system.totals(over: $0)) }
        let baselineScore = metric.score(fromTotals: baseline.totals())
        let systemScore = metric.score(fromTotals: system.totals())

        // The p-value of the observed difference against the resampled differences,
        // centred on their mean: how often chance alone produces a larger gap.
        let observed = abs(baselineScore - systemScore)
        let differences = zip(systemScores, baselineScores).map { abs($0 - $1) }
        let meanDifference = differences.reduce(0, +) / Double(differences.count)
        let larger = differences.filter { $0 - meanDifference > observed }.count
        let p = Double(larger + 1) / Double(differences.count + 1)
        return PairedBootstrapResult(
            baseline: Self.estimate(score: baselineScore, resampled: baselineScores),
            system: Self.estimate(score: systemScore, resampled: systemScores),
            pValue: p)
    }

    /// `estimate_ci`: the mean, and half the distance between the n/40-th smallest and
    /// n/40-th largest resampled scores.
    static func estimate(score: Double, resampled: [Double]) -> BootstrapEstimate {
        let sorted = resampled.sorted()
        let lower = sorted.count / 40
        let upper = sorted.count - lower - 1
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        return BootstrapEstimate(
            score: score, mean: mean, ci: 0.5 * (sorted[upper] - sorted[lower]))
    }
}
