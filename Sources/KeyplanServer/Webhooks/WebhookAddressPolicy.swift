import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses a webhook may reach (no server-side request forgery): a tenant must not make
/// the server call its own loopback, the operator's network or a cloud metadata service.
///
/// The rule is applied to a URL's literal address (or `localhost`) at registration, and at every
/// delivery to each address its host resolves to; the delivery then connects to the address it
/// checked, never resolving again, so a name that changes its answer (DNS rebinding) gains nothing.
struct WebhookAddressPolicy: Sendable {
    let allowPrivateAddresses: Bool

    /// What an address is, for the rule.
    enum Category: String, Sendable {
        case global
        case loopback
        case `private` = "private"
        case linkLocal = "link-local"
        case unspecified
        case multicast
        case reserved
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// The category of an IPv4 (4 bytes) or IPv6 (16 bytes) address; IPv6 forms that embed an
    /// IPv4 address (mapped, compatible, NAT64) are the category of that address.
    static func category(of bytes: [UInt8]) -> Category {
        if bytes.count == 4 { return ipv4Category(bytes) }
        guard bytes.count == 16 else { return .reserved }
        let zeros10 = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeros10 && bytes[10] == 0xff && bytes[11] == 0xff { return ipv4Category(Array(bytes[12...])) }  // ::ffff:a.b.c.d
        if bytes[0..<15].allSatisfy({ $0 == 0 }) {
            return bytes[15] == 1 ? .loopback : bytes[15] == 0 ? .unspecified : .reserved
        }
        if zeros10 && bytes[10] == 0 && bytes[11] == 0 { return ipv4Category(Array(bytes[12...])) }  // ::a.b.c.d (deprecated)
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return ipv4Category(Array(bytes[12...])) }  // 64:ff9b::/96
        if bytes[0] == 0xff { return .multicast }
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return .private }  // fec0::/10, site-local (deprecated)
        if bytes[0] & 0xfe == 0xfc { return .private }  // fc00::/7, unique local
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return .reserved }  // 2001:db8::/32, documentation
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return ipv4Category(Array(bytes[2..<6])) }  // 6to4 2002::/16 embeds an IPv4 address
        return .global
    }

    private static func ipv4Category(_ b: [UInt8]) -> Category {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8, "this network"
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .private
        case (100, 64...127): return .private  // CGNAT 100.64.0.0/10
        case (169, 254): return .linkLocal
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved  // 240.0.0.0/4 and broadcast
        case (192, 0) where b[2] == 0 || b[2] == 2: return .reserved  // 192.0.0.0/24, TEST-NET-1
        case (198, 18...19): return .reserved  // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return .reserved  // TEST-NET-2, -3
        default: return .global
        }
    }

    /// Whether the rule lets a webhook reach an address of `category`.
    func allows(_ category: Category) -> Bool {
        switch category {
        case .global: true
        case .loopback, .private: allowPrivateAddresses
        case .linkLocal, .unspecified, .multicast, .reserved: false
        }
    }

    /// A registrable URL: absolute `https` (or `http` where allowed), a host, no credentials, and —
    /// when the host is an address or `localhost` — one the rule allows. Names are resolved (and
    /// checked) at each delivery, not here: registering is no way to probe the operator's DNS.
    func validate(_ text: String) throws -> URL {
        guard text.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = Self.host(of: url),
            !host.isEmpty
        else {
            throw Refusal(description: "the URL must be absolute, such as https://hooks.example.com/keyplan")
        }
        guard scheme == "https" || (scheme == "http" && allowPrivateAddresses) else {
            throw Refusal(description: "the URL must use https (plain http only where the server's operator allows it)")
        }
        guard url.user == nil, url.password == nil else { throw Refusal(description: "the URL must not carry a user name or password") }
        guard url.fragment == nil else { throw Refusal(description: "the URL must not have a fragment (#…)") }
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "localhost." {
            try check(.loopback, host: host, address: "localhost")
        } else if let bytes = Self.numericAddress(host) {
            try check(Self.category(of: bytes), host: host, address: host)
        }
        return url
    }

    /// The addresses a delivery to `url` may connect to: every address its host resolves to must
    /// be allowed (a name that also points inside is refused outright).
    func resolve(_ url: URL) async throws -> [SocketAddress] {
        guard let host = Self.host(of: url) else { throw Refusal(description: "the URL has no host") }
        let port = url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443)
        let addresses = try await Self.resolverThreads.runIfActive { try Self.lookUp(host, port: port) }
        guard !addresses.isEmpty else { throw Refusal(description: "\(host) resolves to no address") }
        for address in addresses {
            try check(Self.category(of: Self.bytes(of: address)), host: host, address: address.ipAddress ?? "?")
        }
        return addresses
    }

    /// Threads of their own for `getaddrinfo`, which blocks for as long as the resolver takes: a slow name
    /// must hold neither an event loop nor the shared pool that hashes passwords. Started once, for the
    /// process's life.
    private static let resolverThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Refuses an address of a category not allowed. A name's resolved address is not shown: the
    /// message reaches tenant admins, who should not learn the operator's internal addresses from it.
    private func check(_ category: Category, host: String, address: String) throws {
        guard !allows(category) else { return }
        let which = host == address ? "\(address) is" : "\(host) resolves to"
        throw Refusal(description: "\(which) a \(category.rawValue) address, which webhooks may not reach")
    }

    /// The URL's host without IPv6 brackets.
    static func host(of url: URL) -> String? {
        guard var host = url.host else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// The bytes of a numeric host in any form `getaddrinfo` accepts as one (`127.1`, `2130706433`,
    /// `0x7f.0.0.1`, `::ffff:10.0.0.1`), or `nil` for a name. Parsed without any DNS query.
    static func numericAddress(_ host: String) -> [UInt8]? {
        guard let addresses = try? lookUp(host, port: 0, numericOnly: true), let first = addresses.first else { return nil }
        return bytes(of: first)
    }

    static func bytes(of address: SocketAddress) -> [UInt8] {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket:
            return []
        }
    }

    /// `getaddrinfo` (blocking: run it off the event loops).
    private static func lookUp(_ host: String, port: Int, numericOnly: Bool = false) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        if numericOnly { hints.ai_flags = AI_NUMERICHOST }
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let first = list else {
            throw Refusal(description: "\(host) could not be resolved (\(String(cString: gai_strerror(code))))")
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            if let socketAddress = info.pointee.ai_addr {
                switch info.pointee.ai_family {
                case AF_INET:
                    socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { addresses.append(SocketAddress($0.pointee, host: host)) }
                case AF_INET6:
                    socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { addresses.append(SocketAddress($0.pointee, host: host)) }
                default:
                    break
                }
            }
            next = info.pointee.ai_next
        }
        return addresses
    }
}
