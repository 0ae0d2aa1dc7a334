/// Call metadata: ordered name/value pairs, names lowercased, repeats allowed.
///
/// Requests carry it in `OPEN`; responses as initial metadata (`HEADERS`) and trailers (`END`).
public struct Metadata: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [MetadataField]

    public init() {
        self.fields = []
    }

    /// Metadata as received, names kept as sent.
    public init(fields: [MetadataField]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { MetadataField(name: $0.0.lowercased(), value: .text($0.1)) }
    }

    /// Appends a text value.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(MetadataField(name: name.lowercased(), value: .text(value)))
    }

    /// Appends a binary value.
    public mutating func add(_ name: String, bytes: [UInt8]) {
        fields.append(MetadataField(name: name.lowercased(), value: .binary(bytes)))
    }

    /// Appends every field of `other`.
    public mutating func add(contentsOf other: Metadata) {
        fields.append(contentsOf: other.fields)
    }

    /// Removes every value of `name`.
    public mutating func remove(_ name: String) {
        let name = name.lowercased()
        fields.removeAll { $0.name == name }
    }

    /// The first text value of `name`; setting replaces every value of `name`.
    public subscript(name: String) -> String? {
        get {
            let name = name.lowercased()
            for field in fields where field.name == name {
                if case .text(let text) = field.value { return text }
            }
            return nil
        }
        set {
            remove(name)
            if let newValue { add(name, newValue) }
        }
    }

    /// Every value of `name`, text or binary.
    public func values(_ name: String) -> [MetadataField.Value] {
        let name = name.lowercased()
        return fields.filter { $0.name == name }.map(\.value)
    }

    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[MetadataField]> {
        fields.makeIterator()
    }
}

extension Metadata {
    /// What each field costs besides its name and value, as HTTP/2 counts a header list
    /// (RFC 9113, SETTINGS_MAX_HEADER_LIST_SIZE): it bounds floods of empty fields too.
    static let overheadPerField = 32

    /// The size of `fields` against a metadata limit: each field's name and value bytes plus
    /// ``overheadPerField``.
    static func size(of fields: [MetadataField]) -> Int {
        fields.reduce(0) { total, field in
            let value: Int
            switch field.value {
            case .text(let text): value = text.utf8.count
            case .binary(let bytes): value = bytes.count
            }
            return total + field.name.utf8.count + value + overheadPerField
        }
    }
}
