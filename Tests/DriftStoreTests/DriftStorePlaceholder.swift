import Testing
@testable import DriftStore
