import Crypto
public import Foundation

/// A webhook's signing secret, read when a request is signed (so a rotated secret file is picked up)
/// and never logged or stored.
public enum WebhookSecret {
    /// Why a secret could not be read; names the file, never its content.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The secret from `secretFile`, or from the systemd credential `credential` (a file in
    /// `$CREDENTIALS_DIRECTORY`); nil when the webhook has neither. One trailing newline (`\n` or
    /// `\r\n`) is not part of the secret.
    public static func load(secretFile: String?, credential: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(ReadError) -> [UInt8]? {
        let path: String
        if let secretFile {
            path = secretFile
        } else if let credential {
            guard let folder = environment["CREDENTIALS_DIRECTORY"] else {
                throw ReadError(description: "credential '\(credential)': $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)")
            }
            path = folder + "/" + credential
        } else {
            return nil
        }
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            throw ReadError(description: "cannot read the webhook secret file \(path)")
        }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard !bytes.isEmpty else { throw ReadError(description: "the webhook secret file \(path) is empty") }
        return bytes
    }

    /// The `X-Driftd-Signature` value: `sha256=` and the lowercase hex HMAC-SHA256 of `body`.
    public static func signature(body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
