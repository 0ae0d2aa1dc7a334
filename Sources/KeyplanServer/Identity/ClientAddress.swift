/// The client's IP address without its port, from a context's `remoteAddress`
/// (`[IPv4]127.0.0.1/127.0.0.1:53211` becomes `127.0.0.1`).
func clientIPAddress(_ remoteAddress: String?) -> String? {
    guard let remoteAddress else { return nil }
    let hostAndPort = remoteAddress.split(separator: "/").last.map(String.init) ?? remoteAddress
    guard let colon = hostAndPort.lastIndex(of: ":") else { return hostAndPort }
    return String(hostAndPort[..<colon])
}
