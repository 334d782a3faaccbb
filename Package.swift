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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .target(name: "DriftStats", swiftSettings: swiftSettings),
        .target(name: "DriftRules", dependencies: ["DriftStats"], swiftSettings: swiftSettings),
        .target(name: "DriftEngine", dependencies: ["DriftStats", "DriftRules"], swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "DriftIngest",
            dependencies: ["DriftEngine"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftAlerts",
            dependencies: [
                "DriftEngine", "DriftRules", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftRetrain",
            dependencies: ["DriftRules", .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftStore",
            dependencies: ["DriftEngine", "DriftIngest", "DriftAlerts", "DriftRetrain", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DriftDaemon",
            dependencies: [
                "DriftEngine", "DriftRules", "DriftIngest", "DriftAlerts", "DriftRetrain", "DriftStore", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "driftd",
            dependencies: [
                "DriftEngine", "DriftRules", "DriftDaemon", "DriftStore", "DriftAlerts", "DriftRetrain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "driftd-fuzz",
            dependencies: ["DriftEngine", "DriftRules"],
            path: "Fuzz/driftd-fuzz",
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
        .testTarget(name: "DriftIngestTests", dependencies: ["DriftIngest"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftAlertsTests", dependencies: ["DriftAlerts"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftRetrainTests", dependencies: ["DriftRetrain"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftStoreTests", dependencies: ["DriftStore"], swiftSettings: swiftSettings),
        .testTarget(name: "DriftDaemonTests", dependencies: ["DriftDaemon"], swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["DriftEngine", "DriftRules", "driftd", .product(name: "Hummingbird", package: "hummingbird")],
                    swiftSettings: swiftSettings),
    ]
)
