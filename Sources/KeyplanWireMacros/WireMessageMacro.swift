import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// `@WireMessage`: generates a struct's `WireMessage` conformance (binary coding without `Codable`'s containers)
/// from the same declaration its synthesized `Codable` conformance comes from, so that the two agree field for field.
///
/// The struct declares `enum CodingKeys: Int, CodingKey` (each case a stored property of the same name, its raw value
/// the field number) and writes each coded property's type. The generated `init(wireFields:)` reads fields in any
/// order, skips unknown ones, leaves absent Optionals nil and throws for absent required fields; the generated
/// `encode(wireFields:)` writes the fields in the order of `CodingKeys`, leaving nil Optionals out — the bytes the
/// keyed container writes for the synthesized conformance.
///
/// It has two roles. As a member macro it adds a static function that reads the fields, declared in the struct's
/// body so that property types name what they name there (a sibling nested type, say); as an extension macro it adds
/// the conformance, whose initializer assigns what that function read. (The initializer itself stays out of the
/// body, where it would take away the memberwise initializer.)
public struct WireMessageMacro: ExtensionMacro, MemberMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        // What is wrong with the declaration is reported once, by the extension role.
        guard let message = try? MessageDeclaration(declaration, attribute: node) else { return [] }
        return ["\(raw: message.fieldReader)"]
    }

    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        let message = try MessageDeclaration(declaration, attribute: node)
        let access = message.access.map { "\($0) " } ?? ""
        let conformance = protocols.isEmpty ? "" : ": KeyplanWire.WireMessage"
        let source: DeclSyntax = """
            extension \(type.trimmed)\(raw: conformance) {
                \(raw: access)static var wireKeys: any CodingKey.Type { CodingKeys.self }

                \(raw: access)init(wireFields __fields: inout KeyplanWire.WireFieldReader) throws {
                    \(raw: message.initializerBody)
                }

                \(raw: access)func encode(wireFields __fields: inout KeyplanWire.WireFieldWriter) throws {
                    \(raw: message.encodingBody)
                }
            }
            """
        return [source.cast(ExtensionDeclSyntax.self)]
    }
}

/// A struct's coded fields, read off its declaration.
struct MessageDeclaration {
    struct Field {
        /// The property's name as written (backticks included).
        let name: String
        let number: Int
        /// The property's type, unwrapped when it is Optional.
        let valueType: String
        let isOptional: Bool

        /// The property's type as the reader returns it.
        var declaredType: String { self.isOptional ? "\(self.valueType)?" : self.valueType }
    }

    /// The access level the generated members need to satisfy the conformance: the struct's, when above internal.
    let access: String?
    let fields: [Field]

    init(_ declaration: some DeclGroupSyntax, attribute: AttributeSyntax) throws {
        guard let decl = declaration.as(StructDeclSyntax.self) else {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.notAStruct.diagnose(at: attribute)])
        }
        if let custom = Self.customCoding(decl) {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.codesItself(custom).diagnose(at: decl.name)])
        }
        self.access = decl.modifiers.lazy.map(\.name.text).first { ["public", "package"].contains($0) }
        let members = decl.memberBlock.members.map(\.decl)
        guard let keys = members.lazy.compactMap({ $0.as(EnumDeclSyntax.self) }).first(where: { $0.name.text == "CodingKeys" }) else {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.noCodingKeys.diagnose(at: decl.name)])
        }
        let inherited = keys.inheritanceClause?.inheritedTypes.map { $0.type.trimmedDescription } ?? []
        guard inherited.contains("Int"), inherited.contains(where: { $0 == "CodingKey" || $0.hasSuffix(".CodingKey") }) else {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.keysNotNumbered.diagnose(at: keys.name)])
        }
        let properties = Self.storedProperties(members)
        var fields: [Field] = []
        var next = 0
        for caseDecl in keys.memberBlock.members.compactMap({ $0.decl.as(EnumCaseDeclSyntax.self) }) {
            for element in caseDecl.elements {
                if let value = element.rawValue?.value {
                    guard let number = Self.integer(value) else {
                        throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.rawValueNotLiteral.diagnose(at: value)])
                    }
                    next = number
                }
                let number = next
                next += 1
                guard number >= 1 else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.fieldNumberTooSmall(element.name.text).diagnose(at: element)])
                }
                let name = Self.bare(element.name.text)
                guard let property = properties.first(where: { Self.bare($0.name) == name }) else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.noProperty(name).diagnose(at: element)])
                }
                guard let type = property.type else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.noTypeAnnotation(name).diagnose(at: property.node)])
                }
                guard !property.isInitializedConstant else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.initializedConstant(name).diagnose(at: property.node)])
                }
                let (valueType, isOptional) = Self.unwrapped(type)
                fields.append(Field(name: property.name, number: number, valueType: valueType, isOptional: isOptional))
            }
        }
        self.fields = fields
    }

    // MARK: Generated code

    /// The static function that reads the fields: their values in declaration order, a tuple of them when there
    /// are several.
    var fieldReader: String {
        var lines: [String] = []
        let result: String
        switch self.fields.count {
        case 0: result = "Void"
        case 1: result = self.fields[0].declaredType
        default: result = "(" + self.fields.map(\.declaredType).joined(separator: ", ") + ")"
        }
        lines.append("@inline(__always) private static func __readWireFields(_ __fields: inout KeyplanWire.WireFieldReader) throws -> \(result) {")
        for field in self.fields {
            lines.append("var \(field.name): \(field.valueType)? = nil")
        }
        lines.append("while let __field = try __fields.nextField() {")
        lines.append("switch __field {")
        for field in self.fields {
            lines.append("case \(field.number): \(field.name) = try __fields.decode((\(field.valueType)).self)")
        }
        lines.append("default: break")
        lines.append("}")
        lines.append("}")
        for field in self.fields where !field.isOptional {
            lines.append("guard let \(field.name) else { throw __fields.missingField(\(field.number)) }")
        }
        switch self.fields.count {
        case 0: break
        case 1: lines.append("return \(self.fields[0].name)")
        default: lines.append("return (" + self.fields.map(\.name).joined(separator: ", ") + ")")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// `init(wireFields:)`'s body: the fields read, assigned.
    var initializerBody: String {
        switch self.fields.count {
        case 0:
            return "try Self.__readWireFields(&__fields)"
        case 1:
            return "self.\(self.fields[0].name) = try Self.__readWireFields(&__fields)"
        default:
            let assignments = self.fields.indices.map { "self.\(self.fields[$0].name) = __values.\($0)" }
            return (["let __values = try Self.__readWireFields(&__fields)"] + assignments).joined(separator: "\n")
        }
    }

    var encodingBody: String {
        let lines = self.fields.map { field in
            field.isOptional
                ? "if let \(field.name) = self.\(field.name) { try __fields.encode(\(field.name), field: \(field.number)) }"
                : "try __fields.encode(self.\(field.name), field: \(field.number))"
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n")
    }

    // MARK: Reading the declaration

    /// The struct's own `init(from:)` or `encode(to:)`, which generated coding would silently bypass.
    static func customCoding(_ decl: StructDeclSyntax) -> String? {
        for member in decl.memberBlock.members {
            if let initializer = member.decl.as(InitializerDeclSyntax.self),
                initializer.signature.parameterClause.parameters.first?.firstName.text == "from"
            {
                return "init(from:)"
            }
            if let function = member.decl.as(FunctionDeclSyntax.self), function.name.text == "encode",
                function.signature.parameterClause.parameters.first?.firstName.text == "to"
            {
                return "encode(to:)"
            }
        }
        return nil
    }

    private struct StoredProperty {
        let name: String
        let type: TypeSyntax?
        /// A `let` with an initial value, which no initializer can assign.
        let isInitializedConstant: Bool
        let node: Syntax
    }

    /// The struct's stored instance properties (computed and static ones are not coded).
    private static func storedProperties(_ members: [DeclSyntax]) -> [StoredProperty] {
        var properties: [StoredProperty] = []
        for variable in members.compactMap({ $0.as(VariableDeclSyntax.self) }) {
            let isStatic = variable.modifiers.contains { $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class) }
            if isStatic { continue }
            // `var a, b: Int` gives both `Int`: a binding without a type takes the next one's.
            var pendingType: TypeSyntax?
            for binding in variable.bindings.reversed() {
                if let annotation = binding.typeAnnotation { pendingType = annotation.type }
                guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                if let accessors = binding.accessorBlock, Self.isComputed(accessors) { continue }
                let isInitializedConstant = variable.bindingSpecifier.tokenKind == .keyword(.let) && binding.initializer != nil
                properties.append(
                    StoredProperty(name: pattern.identifier.text, type: pendingType, isInitializedConstant: isInitializedConstant, node: Syntax(binding))
                )
            }
        }
        return properties
    }

    private static func isComputed(_ accessors: AccessorBlockSyntax) -> Bool {
        switch accessors.accessors {
        case .getter:
            return true
        case .accessors(let list):
            // Observers (`willSet`/`didSet`) keep a property stored.
            return list.contains { [.keyword(.get), .keyword(.set), .keyword(._read), .keyword(._modify)].contains($0.accessorSpecifier.tokenKind) }
        }
    }

    /// `T?`, `T!` and `Optional<T>` as `T` and true; any other type as itself and false.
    private static func unwrapped(_ type: TypeSyntax) -> (String, Bool) {
        if let optional = type.as(OptionalTypeSyntax.self) { return (optional.wrappedType.trimmedDescription, true) }
        if let optional = type.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) { return (optional.wrappedType.trimmedDescription, true) }
        if let identifier = type.as(IdentifierTypeSyntax.self), ["Optional", "Swift.Optional"].contains(identifier.name.text),
            let argument = identifier.genericArgumentClause?.arguments.first, identifier.genericArgumentClause?.arguments.count == 1
        {
            return (argument.argument.trimmedDescription, true)
        }
        return (type.trimmedDescription, false)
    }

    private static func integer(_ expression: ExprSyntax) -> Int? {
        if let literal = expression.as(IntegerLiteralExprSyntax.self) {
            return Int(literal.literal.text.filter { $0 != "_" })
        }
        return nil
    }

    private static func bare(_ name: String) -> String {
        name.hasPrefix("`") && name.hasSuffix("`") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
    }
}

/// What `@WireMessage` cannot generate, and why.
enum WireMessageDiagnostic: DiagnosticMessage {
    case notAStruct
    case codesItself(String)
    case noCodingKeys
    case keysNotNumbered
    case rawValueNotLiteral
    case fieldNumberTooSmall(String)
    case noProperty(String)
    case noTypeAnnotation(String)
    case initializedConstant(String)

    var message: String {
        switch self {
        case .notAStruct:
            "@WireMessage applies to structs"
        case .codesItself(let member):
            "the struct implements \(member) itself, which generated coding would bypass; leave @WireMessage off"
        case .noCodingKeys:
            "@WireMessage needs a nested 'enum CodingKeys: Int, CodingKey' that numbers the fields"
        case .keysNotNumbered:
            "CodingKeys must be declared 'Int, CodingKey': its raw values are the field numbers"
        case .rawValueNotLiteral:
            "a field number must be an integer literal"
        case .fieldNumberTooSmall(let name):
            "field '\(name)' has number 0 or less; field numbers start at 1 (write 'case \(name) = 1')"
        case .noProperty(let name):
            "CodingKeys case '\(name)' names no stored property"
        case .initializedConstant(let name):
            "'\(name)' is a constant with an initial value, which decoding cannot set; make it 'var' or leave it out of CodingKeys"
        case .noTypeAnnotation(let name):
            "property '\(name)' needs an explicit type for @WireMessage"
        }
    }

    var diagnosticID: MessageID { MessageID(domain: "KeyplanWireMacros", id: "\(self)") }
    var severity: DiagnosticSeverity { .error }

    func diagnose(at node: some SyntaxProtocol) -> Diagnostic {
        Diagnostic(node: Syntax(node), message: self)
    }
}
