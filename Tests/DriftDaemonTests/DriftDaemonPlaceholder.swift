import Testing
@testable import DriftDaemon
