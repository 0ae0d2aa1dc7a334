import Foundation
import HTTPTypes
import Hummingbird
import KeyplanRPC

/// The portal's session: its token in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` under TLS) that
/// page scripts never see, and the defence that keeps other sites from calling with it.
///
/// A call authenticated by the cookie must carry the `X-Keyplan-CSRF` header — a cross-site form cannot
/// send a custom header, and a cross-site script cannot without a CORS preflight this server never
/// allows — and, when the browser names an `Origin`, come from this server's own. `SameSite=Strict`
/// already keeps the cookie off cross-site requests; this holds even where a browser doesn't.
struct SessionCookie: Sendable {
    static let name = "keyplan_session"
    static let csrfHeader = "x-keyplan-csrf"
    /// Whether the portal is served over TLS (the cookie is then `Secure`).
    let secure: Bool

    /// Why a cookie-authenticated request is refused, or `nil`.
    func refusal(of request: Request) -> RPCError? {
        guard let csrf = HTTPField.Name(Self.csrfHeader), request.headers[csrf] != nil else {
            return RPCError(
                code: .permissionDenied,
                message: "a call signed in with the portal's session cookie must carry the X-Keyplan-CSRF header (other sites cannot send it); "
                    + "reload the portal, or use an Authorization: Bearer header from scripts")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
            guard !host.isEmpty, originHost.lowercased() == host.lowercased() else {
                return RPCError(
                    code: .permissionDenied, message: "a cross-site request (origin \(origin.prefix(100))) cannot use the portal's session")
            }
        }
        return nil
    }

    /// The `Set-Cookie` value that keeps `token` until `expiresAt`.
    func setting(_ token: String, expiresAt: Date) -> String {
        let seconds = max(0, Int(expiresAt.timeIntervalSinceNow.rounded(.down)))
        return "\(Self.name)=\(token); Path=/; Max-Age=\(seconds); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that removes the cookie.
    var clearing: String {
        "\(Self.name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
