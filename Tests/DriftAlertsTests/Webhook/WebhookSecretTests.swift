import Foundation
import Testing
@testable import DriftAlerts

struct WebhookSecretTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-secret-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url
    }

    /// The reference is OpenSSL's HMAC over the same bytes, not swift-crypto's.
    @Test func signatureIsOpenSSLsHMACSHA256OfTheBody() throws {
        let body = Array(#"{"id":"0123456789abcdef","kind":"data_drift","message":"π ≥ 0.2"}"#.utf8)
        let secret = Array("s3cr3t-key".utf8)
        let bodyFile = try Self.temporaryFile(body)
        defer { try? FileManager.default.removeItem(at: bodyFile) }
        let hexKey = secret.map { String(format: "%02x", $0) }.joined()
        let openssl = try Command.run("/usr/bin/openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)", bodyFile.path])
        let expected = try #require(openssl.stdout.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(expected.count == 64, "\(openssl.stdout) \(openssl.stderr)")
        #expect(WebhookSecret.signature(body: body, secret: secret) == "sha256=" + expected)
    }

    @Test func oneTrailingNewlineIsNotPartOfTheSecret() throws {
        for (content, expected) in [("key\n", "key"), ("key\r\n", "key"), ("key", "key"), ("key\n\n", "key\n")] {
            let file = try Self.temporaryFile(Array(content.utf8))
            defer { try? FileManager.default.removeItem(at: file) }
            #expect(try WebhookSecret.load(secretFile: file.path, credential: nil) == Array(expected.utf8))
        }
    }

    @Test func credentialIsReadFromTheCredentialsDirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("driftd-credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("from-systemd\n".utf8).write(to: folder.appendingPathComponent("am"))
        #expect(try WebhookSecret.load(secretFile: nil, credential: "am", environment: ["CREDENTIALS_DIRECTORY": folder.path]) == Array("from-systemd".utf8))
        #expect(throws: WebhookSecret.ReadError.self) { try WebhookSecret.load(secretFile: nil, credential: "am", environment: [:]) }
        #expect(try WebhookSecret.load(secretFile: nil, credential: nil) == nil)
    }

    @Test func unreadableOrEmptySecretIsAnErrorThatNamesTheFileOnly() throws {
        let empty = try Self.temporaryFile(Array("\n".utf8))
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try WebhookSecret.load(secretFile: empty.path, credential: nil)
            Issue.record("an empty secret was accepted")
        } catch {
            #expect(error.description.contains(empty.path))
        }
        #expect(throws: WebhookSecret.ReadError.self) { try WebhookSecret.load(secretFile: "/nonexistent/secret", credential: nil) }
    }
}
