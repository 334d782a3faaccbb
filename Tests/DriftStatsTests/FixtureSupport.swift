import Foundation
import Testing

/// Loading the generated fixtures (`Tests/Fixtures/NAME.json`) and comparing with reference values.
enum FixtureSupport {
    /// Decodes a fixture with JSONDecoder (exact for 17-digit doubles, unlike JSONSerialization on Linux).
    static func load<T: Decodable>(_ type: T.Type, named name: String) throws -> T {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Agreement to `tolerance`, absolute or relative, or both `nil`.
    static func expectAgreement(_ actual: Double?, _ expected: Double?, _ label: String, tolerance: Double = 1e-12,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else {
            #expect(actual == nil, "\(label): expected nil, got \(String(describing: actual))", sourceLocation: sourceLocation)
            return
        }
        guard let actual else {
            Issue.record("\(label): expected \(expected), got nil", sourceLocation: sourceLocation)
            return
        }
        let difference = abs(actual - expected)
        #expect(difference <= tolerance || difference <= tolerance * abs(expected), "\(label): \(actual) vs reference \(expected)",
                sourceLocation: sourceLocation)
    }
}
