import Foundation
import KeyplanWire
import NIOCore
import Testing

/// The golden vectors of `Protocols/vectors/frames.json`, mapped onto ``Frame`` and ``FrameError``.
struct FrameVectors: Decodable {
    struct Valid: Decodable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var frame: VectorFrame
        var testDescription: String { name }
    }

    struct Malformed: Decodable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var maxFrameSize: UInt32?
        var error: VectorError
        var testDescription: String { name }
    }

    var valid: [Valid]
    var malformed: [Malformed]

    static let all: FrameVectors = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/vectors/frames.json")
        do {
            return try JSONDecoder().decode(FrameVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

struct VectorMetadata: Decodable {
    var name: String
    var text: String?
    var binary: String?

    var field: MetadataField {
        MetadataField(name: name, value: text.map { .text($0) } ?? .binary(Array(frameHex: binary ?? "")))
    }
}

struct VectorFrame: Decodable {
    struct Setting: Decodable {
        var id: UInt16
        var value: UInt32
    }
    struct Detail: Decodable {
        var typeName: String
        var value: String
    }

    var type: String
    var callID: UInt32?
    var version: UInt16?
    var ack: Bool?
    var values: [Setting]?
    var method: String?
    var timeoutMicroseconds: UInt64?
    var metadata: [VectorMetadata]?
    var payload: String?
    var code: UInt8?
    var message: String?
    var details: [Detail]?
    var trailers: [VectorMetadata]?
    var opaque: String?
    var lastCallID: UInt32?

    var frame: Frame {
        let id = callID ?? 0
        let fields = (metadata ?? []).map(\.field)
        switch type {
        case "preface": return .preface(.init(version: version ?? 0))
        case "settings":
            return .settings(ack == true ? .ack : .init(values: (values ?? []).map { .init(id: $0.id, value: $0.value) }))
        case "open":
            return .open(callID: id, .init(method: method ?? "", timeoutMicroseconds: timeoutMicroseconds, metadata: fields))
        case "headers": return .headers(callID: id, fields)
        case "message": return .message(callID: id, ByteBuffer(bytes: Array(frameHex: payload ?? "")))
        case "halfClose": return .halfClose(callID: id)
        case "end":
            return .end(
                callID: id,
                .init(
                    code: StatusCode(rawValue: code ?? 0), message: message ?? "",
                    details: (details ?? []).map { .init(typeName: $0.typeName, value: Array(frameHex: $0.value)) },
                    trailers: (trailers ?? []).map(\.field)))
        case "cancel": return .cancel(callID: id)
        case "ping": return .ping(UInt64(opaque ?? "", radix: 16) ?? 0)
        case "pong": return .pong(UInt64(opaque ?? "", radix: 16) ?? 0)
        case "goAway":
            return .goAway(.init(lastCallID: lastCallID ?? 0, code: StatusCode(rawValue: code ?? 0), message: message ?? ""))
        default: fatalError("vector names unknown frame type \(type)")
        }
    }
}

struct VectorError: Decodable {
    struct Reason: Decodable {
        var `case`: String
        var expected: Int?
        var actual: Int?
        var count: Int?
        var metadataKind: UInt8?
    }

    var `case`: String
    var length: UInt32?
    var limit: UInt32?
    var byte: UInt8?
    var type: String?
    var callID: UInt32?
    var reason: Reason?
    var bufferedBytes: Int?
    var count: Int?

    var error: FrameError {
        switch self.case {
        case "frameTooLarge": return .frameTooLarge(length: length ?? 0, limit: limit ?? 0)
        case "unknownFrameType": return .unknownFrameType(byte ?? 0)
        case "invalidCallID": return .invalidCallID(type: frameType, callID: callID ?? 0)
        case "malformedPayload": return .malformedPayload(type: frameType, reason: payloadReason)
        case "truncatedFrame": return .truncatedFrame(bufferedBytes: bufferedBytes ?? 0)
        case "bytesAfterFrame": return .bytesAfterFrame(count ?? 0)
        default: fatalError("vector names unknown error \(self.case)")
        }
    }

    private var frameType: FrameType {
        FrameType.allCases.first { "\($0)" == type } ?? .message
    }

    private var payloadReason: FrameError.Reason {
        let reason = self.reason ?? Reason(case: "")
        switch reason.case {
        case "truncated": return .truncated
        case "trailingBytes": return .trailingBytes(reason.count ?? 0)
        case "invalidVarint": return .invalidVarint
        case "lengthOutOfRange": return .lengthOutOfRange
        case "invalidUTF8": return .invalidUTF8
        case "badMagic": return .badMagic
        case "unknownMetadataKind": return .unknownMetadataKind(reason.metadataKind ?? 0)
        case "wrongSize": return .wrongSize(expected: reason.expected ?? 0, actual: reason.actual ?? 0)
        default: fatalError("vector names unknown reason \(reason.case)")
        }
    }
}

extension Array where Element == UInt8 {
    init(frameHex hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self = bytes
    }

    var frameHex: String { map { String(format: "%02x", $0) }.joined() }
}
