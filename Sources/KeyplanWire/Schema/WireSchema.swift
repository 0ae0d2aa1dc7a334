import Foundation

/// The messages, enums and scalars reachable from a set of root types, described for the API catalogue: each type
/// gets a name, and each field a type expression in that vocabulary — a scalar (`string`, `uuid`, `timestamp`), a
/// message or enum by name, `[T]` for sequences (arrays and sets travel alike), `[K: V]` for dictionaries.
///
/// Built at run time from the types themselves (what `@WireMessage` generated, enums' `allCases`), so it describes
/// the types the coder actually codes.
public struct WireSchema: Codable, Equatable, Sendable {
    public struct Message: Codable, Equatable, Sendable {
        public var documentation: String?
        public var fields: [Field]?
        /// For a message written by a hand-made serializer: where its bytes are specified.
        public var customEncoding: String?
    }

    public struct Field: Codable, Equatable, Sendable {
        public var number: Int
        public var name: String
        public var type: String
        public var optional: Bool
        public var documentation: String?
    }

    public struct Enumeration: Codable, Equatable, Sendable {
        /// `string` or an integer scalar: what each case's raw value travels as.
        public var rawType: String
        public var cases: [Case]

        public struct Case: Codable, Equatable, Sendable {
            public var name: String
            public var value: String

            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }
    }

    public struct Scalar: Codable, Equatable, Sendable {
        /// The wire type of encoding.md §2 (`varint`, `fixed64`, `length-delimited`).
        public var wireType: String
        public var encoding: String
    }

    /// Types the walker met but cannot describe, all of them, so that one run names every one to fix.
    public struct DescriptionError: Error, CustomStringConvertible {
        public var types: [String]

        public var description: String {
            "cannot be described for the API catalogue: \(types.joined(separator: ", ")); mark each @WireMessage, make it "
                + "an enum with raw values that is CaseIterable, or conform it to WireDescribedScalar or WireDescribedCustomMessage"
        }
    }

    /// Throws, naming them, if any type met so far could not be described.
    public func checkComplete() throws {
        if !self.undescribed.isEmpty { throw DescriptionError(types: self.undescribed.sorted()) }
    }

    private var undescribed: Set<String> = []
    /// Which type each message or enum name stands for: names drop the module, so two types could claim one.
    private var namedTypes: [String: ObjectIdentifier] = [:]

    public var messages: [String: Message] = [:]
    public var enums: [String: Enumeration] = [:]
    public var scalars: [String: Scalar] = [:]

    private enum CodingKeys: String, CodingKey { case messages, enums, scalars }

    public init() {}

    /// Describes `type` and everything it reaches; returns its type expression. What cannot be described is kept for
    /// ``checkComplete()``.
    @discardableResult
    public mutating func add(_ type: any Any.Type) -> String {
        if let (name, scalar) = Self.builtInScalars[ObjectIdentifier(type)] {
            self.scalars[name] = scalar
            return name
        }
        if let scalar = type as? any WireDescribedScalar.Type {
            self.scalars[scalar.wireScalarName] = Scalar(wireType: scalar.wireScalarWireType, encoding: scalar.wireScalarEncoding)
            return scalar.wireScalarName
        }
        if let optional = type as? any WireOptionalType.Type {
            // Only top-level values and elements carry Optionals this way; a field's own Optional is its `optional`.
            return self.add(optional.wireWrapped) + "?"
        }
        if let sequence = type as? any WireSequenceType.Type {
            return "[" + (self.add(sequence.wireElement)) + "]"
        }
        if let dictionary = type as? any WireDictionaryType.Type {
            return "[" + (self.add(dictionary.wireKey)) + ": " + (self.add(dictionary.wireValue)) + "]"
        }
        let name = Self.name(of: type)
        if let owner = self.namedTypes[name] {
            if owner != ObjectIdentifier(type) { self.undescribed.insert("\(String(reflecting: type)) (its name \(name) is taken)") }
            return name
        }
        self.namedTypes[name] = ObjectIdentifier(type)
        if let described = type as? any WireDescribed.Type {
            // A type that reaches itself finds its name taken above and stops there.
            let description = described.wireDescription
            var fields: [Field] = []
            for field in description.fields {
                fields.append(
                    Field(
                        number: field.number, name: field.name, type: self.add(field.type), optional: field.isOptional,
                        documentation: field.documentation))
            }
            self.messages[name] = Message(documentation: description.documentation, fields: fields)
            return name
        }
        if let custom = type as? any WireDescribedCustomMessage.Type {
            self.messages[name] = Message(customEncoding: custom.wireCustomEncoding)
            return name
        }
        if let enumeration = type as? any CaseIterable.Type, let described = Self.enumeration(enumeration) {
            self.enums[name] = described
            return name
        }
        self.undescribed.insert(String(reflecting: type))
        return name
    }

    /// A type's name without its module (`PlanAction.ClearableField`): the catalogue is one namespace.
    public static func name(of type: any Any.Type) -> String {
        let full = String(reflecting: type)
        guard let dot = full.firstIndex(of: ".") else { return full }
        return String(full[full.index(after: dot)...])
    }

    private static func enumeration<T: CaseIterable>(_ type: T.Type) -> Enumeration? {
        var cases: [Enumeration.Case] = []
        var rawType: String?
        for value in T.allCases {
            guard let raw = value as? any RawRepresentable else { return nil }
            let rawValue = Self.rawValue(of: raw)
            rawType = rawType ?? Self.builtInScalars[ObjectIdentifier(Swift.type(of: rawValue))]?.name
            cases.append(Enumeration.Case(name: String(describing: value), value: "\(rawValue)"))
        }
        guard let rawType else { return nil }
        return Enumeration(rawType: rawType, cases: cases)
    }

    private static func rawValue<R: RawRepresentable>(of value: R) -> Any { value.rawValue }

    private static let builtInScalars: [ObjectIdentifier: (name: String, Scalar)] = {
        func scalar(_ type: any Any.Type, _ name: String, _ wireType: String, _ encoding: String) -> (ObjectIdentifier, (name: String, Scalar)) {
            (ObjectIdentifier(type), (name: name, Scalar(wireType: wireType, encoding: encoding)))
        }
        let signed = "zigzag varint; a value outside the type's range is an error"
        let unsigned = "plain varint; a value outside the type's range is an error"
        return Dictionary(uniqueKeysWithValues: [
            scalar(Bool.self, "bool", "varint", "00 or 01; other values are errors"),
            scalar(Int.self, "int64", "varint", signed),
            scalar(Int8.self, "int8", "varint", signed),
            scalar(Int16.self, "int16", "varint", signed),
            scalar(Int32.self, "int32", "varint", signed),
            scalar(Int64.self, "int64", "varint", signed),
            scalar(UInt.self, "uint64", "varint", unsigned),
            scalar(UInt8.self, "uint8", "varint", unsigned),
            scalar(UInt16.self, "uint16", "varint", unsigned),
            scalar(UInt32.self, "uint32", "varint", unsigned),
            scalar(UInt64.self, "uint64", "varint", unsigned),
            scalar(Float.self, "float", "fixed32", "IEEE 754 binary32 bit pattern"),
            scalar(Double.self, "double", "fixed64", "IEEE 754 binary64 bit pattern"),
            scalar(String.self, "string", "length-delimited", "UTF-8"),
            scalar(Data.self, "bytes", "length-delimited", "the bytes"),
            scalar(Date.self, "timestamp", "fixed64", "signed microseconds since 1970-01-01T00:00:00Z (encoding.md §7)"),
            scalar(UUID.self, "uuid", "length-delimited", "16 bytes in RFC 9562 order"),
            scalar(Decimal.self, "decimal", "length-delimited", "flags byte, zigzag exponent, 128-bit significand as two varints (encoding.md §7)"),
            scalar(Money.self, "money", "length-delimited", "zigzag amount in minor units, then the 3-letter ISO 4217 code (encoding.md §7)"),
        ])
    }()
}

// How the walker sees through generic containers: the standard library's types conform here, nothing else should.
protocol WireOptionalType { static var wireWrapped: any Any.Type { get } }
protocol WireSequenceType { static var wireElement: any Any.Type { get } }
protocol WireDictionaryType {
    static var wireKey: any Any.Type { get }
    static var wireValue: any Any.Type { get }
}

extension Optional: WireOptionalType { static var wireWrapped: any Any.Type { Wrapped.self } }
extension Array: WireSequenceType { static var wireElement: any Any.Type { Element.self } }
extension Set: WireSequenceType { static var wireElement: any Any.Type { Element.self } }
extension Dictionary: WireDictionaryType {
    static var wireKey: any Any.Type { Key.self }
    static var wireValue: any Any.Type { Value.self }
}
