import HTTPTypes
import Hummingbird
import KeyplanRPC

/// Headers on every answer: a strict Content-Security-Policy (scripts and styles from this server only, no
/// inline code, no framing), clickjacking and sniffing defences, no referrer (an invitation link's token
/// stays out of other sites' logs), HSTS under TLS. Errors the router raises itself (no route, a method
/// the path doesn't take) become Connect's JSON errors here too.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let tls: Bool

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "base-uri 'none'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            let code: StatusCode = error.status == .notFound ? .notFound : error.status == .methodNotAllowed ? .unimplemented : .invalidArgument
            let message = error.status == .notFound ? "no such page or method: \(request.uri.path.prefix(200))" : (error.body ?? "\(error.status)")
            response = ConnectHandler.error(RPCError(code: code, message: message), status: error.status)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}
