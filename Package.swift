// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: SyncModel ← Planning, SyncStore, SyncProtocol ← PlanningViews, SyncServer, SyncClient ← executables.
let package = Package(
    name: "PlanSync",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SyncModel", targets: ["SyncModel"]),
        .library(name: "Planning", targets: ["Planning"]),
        .library(name: "SyncStore", targets: ["SyncStore"]),
        .library(name: "SyncProtocol", targets: ["SyncProtocol"]),
        .library(name: "SyncServer", targets: ["SyncServer"]),
        .library(name: "SyncClient", targets: ["SyncClient"]),
        .library(name: "PlanningViews", targets: ["PlanningViews"]),
        .executable(name: "plansyncd", targets: ["plansyncd"]),
        .executable(name: "plansync", targets: ["plansync"]),
        .executable(name: "plansync-bench", targets: ["plansync-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "SyncModel"),
        .target(name: "Planning", dependencies: ["SyncModel"]),
        .target(name: "SyncStore", dependencies: [
            "SyncModel",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            // zlib's raw deflate for long op record entries (OpRecordText).
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Read-only views of the planning data (goal tree, health, agenda, review) over a replica.
        .target(name: "PlanningViews", dependencies: ["SyncModel", "SyncStore", "Planning"]),
        .target(name: "SyncProtocol", dependencies: [
            "SyncModel",
            .product(name: "NIOCore", package: "swift-nio"),
            // zlib's raw deflate for the negotiated `compression` (protocol/PROTOCOL.md §1).
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        .target(name: "SyncServer", dependencies: [
            "SyncModel", "SyncProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            // Operators' metrics (`plansyncd serve --metrics-port`): Prometheus text over plain HTTP/1.1.
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "SyncClient", dependencies: [
            "SyncModel", "SyncProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        // The daemon's op log and tokens on PostgreSQL (SharedLogStorage); the daemon logic never imports it.
        .target(name: "SyncPostgres", dependencies: [
            "SyncModel",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Reads the access-rules file (TOML) into SyncModel's AccessRules; the only place TOML is known.
        .target(name: "RulesFile", dependencies: [
            "SyncModel",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The parse/run/exit logic both executables share (swift-argument-parser).
        .target(name: "CommandRunner", dependencies: [
            "SyncModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "plansyncd", dependencies: [
            "SyncModel", "SyncServer", "SyncStore", "SyncPostgres", "Planning", "RulesFile", "CommandRunner",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "plansync", dependencies: [
            "SyncModel", "SyncClient", "SyncServer", "SyncStore", "Planning", "PlanningViews", "CommandRunner",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "plansync-bench", dependencies: [
            "SyncClient", "SyncServer", "SyncStore", "SyncProtocol", "SyncPostgres", "Planning",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // An app embedding the headless library (docs/library.md); CI builds and runs it.
        .executableTarget(name: "planner-example", dependencies: [
            "SyncModel", "SyncClient", "SyncServer", "SyncStore", "Planning",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Examples/PlannerWatch"),
        // Seeded generators and random ops shared by the test targets.
        .target(name: "TestSupport", dependencies: [
            "SyncModel",
            // The scrape client of the metrics tests (MetricsScrape.swift).
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "SyncModelTests", dependencies: ["SyncModel", "Planning", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning"]),
        .testTarget(name: "SyncStoreTests", dependencies: ["SyncStore", "Planning", "TestSupport"]),
        .testTarget(name: "SyncProtocolTests", dependencies: [
            "SyncProtocol", "Planning", "TestSupport",
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "SyncServerTests", dependencies: [
            "SyncServer", "SyncStore", "SyncProtocol", "Planning", "RulesFile", "TestSupport", "SyncPostgres", "PostgresTestSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Skipped without PLANSYNC_POSTGRES_URL; failed instead with PLANSYNC_REQUIRE_POSTGRES=1 (CI).
        // Fresh databases on the server of PLANSYNC_POSTGRES_URL for the tests that need one.
        .target(name: "PostgresTestSupport", dependencies: [
            "SyncPostgres",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/PostgresTestSupport"),
        .testTarget(name: "SyncPostgresTests", dependencies: [
            "SyncPostgres", "PostgresTestSupport", "SyncStore", "SyncModel", "Planning", "TestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "SyncClientTests", dependencies: [
            "SyncClient", "SyncServer", "SyncStore", "SyncProtocol", "Planning", "TestSupport", "SyncPostgres", "PostgresTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "PlanningViewsTests", dependencies: [
            "PlanningViews", "SyncClient", "SyncServer", "SyncStore", "SyncModel", "Planning",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["SyncClient", "SyncServer", "SyncStore", "Planning", "TestSupport", "PostgresTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
