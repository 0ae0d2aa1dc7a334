import Hummingbird
import Logging
import NIOCore

/// What a gateway route knows of its request besides the request itself: the client's address, in the
/// binary protocol's form, so that logs and audit rows read the same for both, and its connection (whose
/// close ends the calls on it: ``OpenCalls``).
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String?
    let connection: ObjectIdentifier

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress.map { "\($0)" }
        self.connection = ObjectIdentifier(source.channel)
    }
}
