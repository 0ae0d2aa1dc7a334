import Foundation
import HTTPTypes
import Hummingbird
import KeyplanAPI
import KeyplanRPC
import NIOCore

/// The web portal: its page and assets (plain HTML, CSS and JavaScript modules, no build step), served from
/// memory, and its session endpoints, which sign in or accept an invitation through the same methods as
/// every client (`keyplan.Auth/SignIn`, `keyplan.Invitations/Accept`) and keep the session in a cookie.
struct Portal: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    let assets: [String: Asset]
    let dispatcher: GatewayDispatcher
    let session: SessionCookie
    let limits: GatewayConfiguration.Limits

    /// The page every portal address serves: the portal routes on the client side.
    static let shellName = "index.html"

    init(dispatcher: GatewayDispatcher, session: SessionCookie, limits: GatewayConfiguration.Limits) {
        self.dispatcher = dispatcher
        self.session = session
        self.limits = limits
        self.assets = Self.loadAssets()
    }

    /// The files of the module's `Portal` folder, read once at start.
    static func loadAssets() -> [String: Asset] {
        guard let folder = Bundle.module.url(forResource: "Portal", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var assets: [String: Asset] = [:]
        for name in names where !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: contentType(of: name))
        }
        return assets
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map(String.init) ?? "" {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "json": return "application/json"
        default: return "text/plain; charset=utf-8"
        }
    }

    func register(on router: Router<GatewayRequestContext>) {
        for path: RouterPath in ["/", "sign-in", "password", "reset-password/:token", "invite/:token", "accounts/**"] {
            router.get(path) { _, _ in page(Self.shellName, cache: "no-cache") }
        }
        router.get("assets/:name") { _, context in
            page(context.parameters.get("name") ?? "", cache: "no-cache")
        }
        router.get("robots.txt") { _, _ in page("robots.txt", cache: "max-age=86400") }
        router.post("portal/sign-in") { request, context in
            await startSession(request, context: context, method: "keyplan.Auth/SignIn")
        }
        router.post("portal/accept-invitation") { request, context in
            await startSession(request, context: context, method: "keyplan.Invitations/Accept")
        }
        router.post("portal/sign-out") { request, context in
            await signOut(request, context: context)
        }
    }

    private func page(_ name: String, cache: String) -> Response {
        guard let asset = assets[name] else {
            return ConnectHandler.error(RPCError(code: .notFound, message: "no such page: \(name.prefix(100))"))
        }
        return Response(
            status: .ok, headers: [.contentType: asset.contentType, .cacheControl: cache], body: ResponseBody(byteBuffer: asset.bytes))
    }

    /// Signs in (or accepts an invitation, which signs in) through `method`, and keeps the session in the
    /// cookie; the answer is the caller's identity, never the token.
    private func startSession(_ request: Request, context: GatewayRequestContext, method name: String) async -> Response {
        if let refusal = sessionRefusal(request) { return refusal }
        guard let method = try? dispatcher.method(named: name).get() else {
            return ConnectHandler.error(RPCError(code: .unimplemented, message: "\(name) is not served"))
        }
        let body: ByteBuffer
        switch await ConnectHandler.collectBody(request, limits: limits) {
        case .success(let collected): body = collected
        case .failure(let refusal): return refusal.response()
        }
        let outcome = await dispatcher.call(
            GatewayDispatcher.Request(
                method: method, metadata: ConnectHandler.metadata(from: request.headers), timeout: nil,
                remoteAddress: context.remoteAddress, messages: [body]))
        if let error = outcome.error { return ConnectHandler.error(error) }
        guard let response = outcome.response,
            let grant = try? JSONMessageCoding.decoder().decode(SessionGrant.self, from: Data(response.readableBytesView)),
            let identity = try? JSONMessageCoding.encoder().encode(grant.identity)
        else {
            return ConnectHandler.error(RPCError(code: .internal, message: "the session could not be started"))
        }
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers[.setCookie] = session.setting(grant.token, expiresAt: grant.expiresAt)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: identity)))
    }

    /// Ends the cookie's session on the server (`keyplan.Auth/SignOut`, which revokes it) and removes the
    /// cookie, whether or not the session was still valid.
    private func signOut(_ request: Request, context: GatewayRequestContext) async -> Response {
        if let refusal = sessionRefusal(request) { return refusal }
        if let token = request.cookies[SessionCookie.name]?.value, !token.isEmpty,
            let method = try? dispatcher.method(named: "keyplan.Auth/SignOut").get()
        {
            let outcome = await dispatcher.call(
                GatewayDispatcher.Request(
                    method: method, metadata: ["authorization": "Bearer \(token)"], timeout: nil,
                    remoteAddress: context.remoteAddress, messages: [ByteBuffer(string: "{}")]))
            if let error = outcome.error, error.code != .unauthenticated { return ConnectHandler.error(error) }
        }
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers[.setCookie] = session.clearing
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
    }

    /// The session endpoints take JSON with the CSRF header from this site only, cookie or not: a sign-in
    /// forged by another site would sign the victim into the attacker's account.
    private func sessionRefusal(_ request: Request) -> Response? {
        guard ConnectHandler.mediaType(request.headers[.contentType]) == "application/json" else {
            return ConnectHandler.error(
                RPCError(code: .invalidArgument, message: "send the request as Content-Type application/json"), status: .unsupportedMediaType)
        }
        if let refusal = session.refusal(of: request) { return ConnectHandler.error(refusal) }
        return nil
    }
}
