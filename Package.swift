// swift-tools-version:6.0
// Recur: recurrent sequence-to-sequence models in Swift.
//
// Dependencies point one way, from the engine up to the command line:
//   CBLAS, CICU (system) → _ICUShim, _Kernels (C) → Tensor → NN → Text → Seq2Seq → Metrics → Recipe → recur
// A lower module never imports a higher one (see ../shared/STYLE.md).
import PackageDescription

let package = Package(
    name: "Recur",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Text", targets: ["Text"]),
        .library(name: "Seq2Seq", targets: ["Seq2Seq"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "Recipe", targets: ["Recipe"]),
        .executable(name: "recur", targets: ["recur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CICU", pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]),

        // C shims. `_ICUShim` is the only code that sees ICU's headers: Foundation carries its
        // own ICU, and a Swift module importing both fails to build (PLATFORM.md).
        .target(name: "_ICUShim", dependencies: ["CICU"]),
        // Vectorised elementwise kernels, compiled per CPU level with `target_clones`, so the
        // package needs no unsafe flags and stays usable as a dependency.
        .target(name: "_Kernels", dependencies: ["CBLAS"]),

        // Swift modules, lowest first.
        .target(name: "Tensor", dependencies: ["CBLAS", "_Kernels"]),
        .target(name: "NN", dependencies: ["Tensor", "_Kernels"]),
        .target(name: "Text", dependencies: ["_ICUShim"]),
        .target(name: "Seq2Seq", dependencies: ["NN", "Text"]),
        .target(name: "Metrics"),
        .target(
            name: "Recipe",
            dependencies: ["Seq2Seq", "Metrics", "Text", .product(name: "Yams", package: "Yams")]),
        // The command links the Swift runtime and Foundation statically: the dynamic loader's
        // work for a dozen Swift libraries was half of a short command's time (`recur tokenize`
        // starts in 7 ms instead of 14), and without PIE its own relocations are few.
        // `-static-stdlib` alone leaves out the libraries that static Foundation needs (SwiftPM's
        // `--static-swift-stdlib` also changes compilation, and Swift Testing cannot link that
        // way), so they are named. Only this target carries unsafe flags; the libraries above
        // stay usable as dependencies.
        .executableTarget(
            name: "recur",
            dependencies: [
                "Recipe", "Seq2Seq", "Metrics", "Text", "NN", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [
                .unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"]),
                .linkedLibrary("CoreFoundation"), .linkedLibrary("_FoundationICU"),
                .linkedLibrary("_FoundationCShims"), .linkedLibrary("_FoundationCollections"),
                .linkedLibrary("swiftSynchronization"),
            ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"], exclude: ["Fixtures"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "TextTests", dependencies: ["Text"], exclude: ["Fixtures"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], exclude: ["Fixtures"]),
        .testTarget(name: "Seq2SeqTests", dependencies: ["Seq2Seq"], exclude: ["Fixtures"]),
        .testTarget(name: "RecipeTests", dependencies: ["Recipe"]),
    ]
)
