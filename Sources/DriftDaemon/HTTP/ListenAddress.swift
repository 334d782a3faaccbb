#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `HOST:PORT` the HTTP service binds to (`--listen`): `127.0.0.1:9464`, `localhost:9464`,
/// `[::1]:9464`. Port 0 asks the kernel for a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP address, without brackets.
    public var host: String
    public var port: Int

    /// The default: loopback only, port 9464.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 9464)

    /// An address from its parts; `port` must be 0...65535.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`.
    public init(parsing text: String) throws(ListenAddressError) {
        func fail(_ code: ListenAddressError.Code, _ message: String) -> ListenAddressError {
            ListenAddressError(code: code, input: text, message: message)
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw fail(.malformedIPv6, "an IPv6 address opened with '[' must be closed with ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else {
                throw fail(.missingPort, "expected ':PORT' after ']' (for example [::1]:9464)")
            }
            portText = rest.dropFirst()
            guard Self.isIPv6(String(host)) else {
                throw fail(.malformedIPv6, "'\(host)' is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw fail(.missingPort, "expected HOST:PORT (for example 127.0.0.1:9464)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw fail(.malformedIPv6, "write an IPv6 address in brackets, as [::1]:9464")
            }
        }
        guard !host.isEmpty else {
            throw fail(.emptyHost, "no host before the port (use 127.0.0.1:\(portText) for loopback)")
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port) else {
            throw fail(.invalidPort, "the port must be a number from 0 to 65535, not '\(portText)'")
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the host is loopback as CONTRACT.md defines it: 127.0.0.0/8, ::1 or localhost.
    public var isLoopback: Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    /// Checks that the address may be bound: loopback, or anything when `allowNonLoopback` is true.
    public func validate(allowNonLoopback: Bool) throws(ListenAddressError) {
        guard allowNonLoopback || isLoopback else {
            throw ListenAddressError(
                code: .nonLoopbackHost, input: description,
                message: "'\(host)' is not loopback (127.0.0.0/8, ::1, localhost); /metrics and /status would be reachable from the network. Pass allowNonLoopback to bind it anyway")
        }
    }

    /// The address a client on this machine connects to: the loopback address of the same family
    /// when the service listens on every interface (`0.0.0.0`, `::`).
    public var connectable: ListenAddress {
        switch host {
        case "0.0.0.0": ListenAddress(host: "127.0.0.1", port: port)
        case "::", "[::]": ListenAddress(host: "::1", port: port)
        default: self
        }
    }

    private static func isIPv6(_ text: String) -> Bool {
        var v6 = in6_addr()
        return inet_pton(AF_INET6, text, &v6) == 1
    }
}
