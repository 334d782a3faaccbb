import DriftDaemon
import Testing

/// `--listen HOST:PORT` and the loopback rule of CONTRACT.md §2 (127.0.0.0/8, ::1, localhost).
struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464),
        ("localhost:80", "localhost", 80),
        ("[::1]:9464", "::1", 9464),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("[::]:65535", "::", 65535),
        ("metrics.internal:9100", "metrics.internal", 9100),
    ])
    func parsesHostAndPort(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: [
        ("127.0.0.1", ListenAddressError.Code.missingPort),
        ("127.0.0.1:", .invalidPort),
        ("127.0.0.1:65536", .invalidPort),
        ("127.0.0.1:-1", .invalidPort),
        ("127.0.0.1:94x", .invalidPort),
        (":9464", .emptyHost),
        ("::1:9464", .malformedIPv6),
        ("[::1:9464", .malformedIPv6),
        ("[::1]9464", .missingPort),
        ("[127.0.0.1]:9464", .malformedIPv6),
        ("[]:9464", .malformedIPv6),
    ])
    func refusesMalformedValuesWithTheirCode(text: String, code: ListenAddressError.Code) {
        #expect {
            try ListenAddress(parsing: text)
        } throws: { error in
            let error = error as! ListenAddressError
            return error.code == code && error.input == text && error.description.contains(text)
        }
    }

    @Test(arguments: ["127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"])
    func loopbackHosts(host: String) throws {
        let address = ListenAddress(host: host, port: 9464)
        #expect(address.isLoopback)
        try address.validate(allowNonLoopback: false)
    }

    @Test(arguments: ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "example.org", "localhost.example.org"])
    func nonLoopbackHostsNeedTheFlag(host: String) throws {
        let address = ListenAddress(host: host, port: 9464)
        #expect(!address.isLoopback)
        #expect(throws: ListenAddressError.self) { try address.validate(allowNonLoopback: false) }
        try address.validate(allowNonLoopback: true)
    }

    @Test func defaultIsLoopback9464() {
        #expect(ListenAddress.default.description == "127.0.0.1:9464")
        #expect(ListenAddress.default.isLoopback)
    }

    @Test func clientsReachAnyAddressOnLoopback() {
        #expect(ListenAddress(host: "0.0.0.0", port: 1).connectable == ListenAddress(host: "127.0.0.1", port: 1))
        #expect(ListenAddress(host: "::", port: 1).connectable == ListenAddress(host: "::1", port: 1))
        #expect(ListenAddress(host: "127.0.0.2", port: 1).connectable == ListenAddress(host: "127.0.0.2", port: 1))
    }
}
