import Foundation
import HTTPTypes
import Hummingbird
import KeyplanAPI
import KeyplanRPC
import NIOCore

/// `/unsubscribe/<token>`, the link in every notification mail: GET shows what the link does and a
/// button; POST does it — from that button, or from a mail program's one-click unsubscribe (RFC 8058,
/// `List-Unsubscribe=One-Click`), which posts without a session or a page. The token is the
/// authority (`keyplan.Notifications/Unsubscribe`): it mutes the mail's kind for its recipient
/// and can do nothing else, so the POST needs no CSRF defence beyond it.
struct UnsubscribePage: Sendable {
    let dispatcher: GatewayDispatcher
    let limits: GatewayConfiguration.Limits

    func register(on router: Router<GatewayRequestContext>) {
        router.get("unsubscribe/:token") { _, context in
            guard let token = Self.token(context) else { return Self.page(Self.invalid, status: .notFound) }
            return Self.page(
                """
                <h1>Stop these mails?</h1>
                <p>This link stops the kind of mail it came in (a digest's link stops all notification mail). You still see \
                every notification when you sign in, and you can change which mails you get at any time.</p>
                <form method="post" action="/unsubscribe/\(token)"><button type="submit" class="primary">Unsubscribe</button></form>
                """)
        }
        router.post("unsubscribe/:token") { request, context in
            guard let token = Self.token(context) else { return Self.page(Self.invalid, status: .notFound) }
            // The body (`List-Unsubscribe=One-Click`, or the button's empty form) says nothing more; it is read
            // within the limits only so that the connection stays usable.
            if case .failure(let refusal) = await ConnectHandler.collectBody(request, limits: limits) { return refusal.response() }
            guard let method = try? dispatcher.method(named: NotificationsService.unsubscribe.descriptor.fullName).get(),
                let body = try? JSONMessageCoding.encoder().encode(UnsubscribeRequest(token: token))
            else { return Self.page("<h1>Not available</h1><p>This server cannot unsubscribe right now.</p>", status: .internalServerError) }
            let outcome = await dispatcher.call(
                GatewayDispatcher.Request(
                    method: method, metadata: [:], timeout: nil, remoteAddress: context.remoteAddress, messages: [ByteBuffer(bytes: body)]))
            if let error = outcome.error {
                return Self.page(
                    "<h1>Not unsubscribed</h1><p>\(SVGText.escape(error.message))</p>",
                    status: error.code == .notFound ? .notFound : error.code == .resourceExhausted ? .tooManyRequests : .serviceUnavailable)
            }
            return Self.page(
                """
                <h1>Unsubscribed</h1>
                <p>You will not get the mail this link stopped any more. You still see every notification when you \
                sign in; with Keyplan's command-line client, <code>keyplan notifications settings</code> chooses again \
                which mails you get.</p>
                """)
        }
    }

    private static let invalid = "<h1>Link not valid</h1><p>This unsubscribe link is not one Keyplan sent. Sign in to change which mails you get.</p>"

    /// The token from the path, if it has a token's shape (so it can go into the page as it is).
    private static func token(_ context: GatewayRequestContext) -> String? {
        guard let token = context.parameters.get("token"), (1...200).contains(token.utf8.count),
            token.utf8.allSatisfy({
                $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                    || (0x61...0x7A).contains($0)
            })
        else { return nil }
        return token
    }

    private static func page(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Keyplan mail</title><link rel="stylesheet" href="/assets/portal.css"></head>
            <body><main class="narrow" id="main">\(body)</main></body></html>

            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
