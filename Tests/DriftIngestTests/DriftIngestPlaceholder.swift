import Testing
@testable import DriftIngest
