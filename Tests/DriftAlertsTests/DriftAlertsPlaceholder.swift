import Testing
@testable import DriftAlerts
