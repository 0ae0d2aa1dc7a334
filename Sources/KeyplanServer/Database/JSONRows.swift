import Foundation

/// Rows as a JSON array of objects, written by hand: the form in which many rows go to the
/// database as one parameter (`jsonb_to_recordset`), for the batches written on every call's
/// behalf (audit rows, views), where Foundation's encoder cost more than the rest of the work.
struct JSONRows {
    private var text = "["
    private var first = true

    /// Starts an object; fields follow until the next row.
    mutating func row(_ fields: (inout JSONRows) -> Void) {
        text += first ? "{" : ",{"
        first = false
        var object = JSONRows(text: "", first: true)
        fields(&object)
        text += object.text + "}"
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        guard let value else { return text += "null" }
        text += "\""
        // Most text needs no escaping: then it is copied whole.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    mutating func field(_ name: String, _ value: UUID?) {
        field(name, value?.uuidString.lowercased())
    }

    mutating func field(_ name: String, _ value: Double) {
        key(name)
        text += "\(value)"
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        text += "\(value)"
    }

    private mutating func key(_ name: String) {
        text += first ? "\"\(name)\":" : ",\"\(name)\":"
        first = false
    }

    var json: String { text + "]" }

    private init(text: String, first: Bool) {
        self.text = text
        self.first = first
    }

    init() {}
}
