// swift-tools-version:6.1
import PackageDescription

/// One settings list for every target (STYLE.md, convention 1).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "driftd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "driftd", targets: ["driftd"]),
        .library(name: "DriftStats", targets: ["DriftStats"]),
        .library(name: "DriftRules", targets: ["DriftRules"]),
        .library(name: "DriftEngine", targets: ["DriftEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "DriftStats", swiftSettings: swiftSettings),
        .target(name: "DriftRules", dependencies: ["DriftStats"], swiftSettings: swiftSettings),
        .target(name: "DriftEngine", dependencies: ["DriftStats", "DriftRules"], swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .executableTarget(
            name: "driftd",
            dependencies: [
                "DriftEngine", "DriftRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "driftd-bench",
            dependencies: ["DriftEngine", "DriftStats", "DriftRules"],
            path: "Benchmarks/driftd-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DriftStatsTests", dependencies: ["DriftStats"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftRulesTests", dependencies: ["DriftRules"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftEngineTests", dependencies: ["DriftEngine"], swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["DriftEngine", "DriftRules", "driftd"], swiftSettings: swiftSettings),
    ]
)
