import Foundation
import SwiftDiagnostics
import SwiftSyntax

/// A struct's coded fields, read off its declaration.
struct MessageDeclaration {
    struct Field {
        /// The property's name as written (backticks included).
        let name: String
        let number: Int
        /// The property's type, unwrapped when it is written as an Optional.
        let valueType: String
        /// Written as an Optional (`T?`, `T!`, `Optional<T>`). Other types may still be Optionals (a type
        /// alias, a generic parameter): an absent field of one decodes as the runtime finds.
        let isOptional: Bool
        /// The property's doc comment, for the API catalogue.
        let documentation: String?

        /// The property's type as the reader returns it.
        var declaredType: String { self.isOptional ? "\(self.valueType)?" : self.valueType }
    }

    /// The largest field number, as the format allows (`FieldTag.maxFieldNumber`: a tag fits in 32 bits).
    static var maximumFieldNumber: Int { (1 << 29) - 1 }

    /// The access level the generated members need to satisfy the conformance: the struct's, when above internal.
    let access: String?
    let fields: [Field]
    /// The struct's doc comment, for the API catalogue.
    let documentation: String?
    /// The memberwise initializer to write: nil when the struct declares one with the same labels itself, or when
    /// a stored property's type is not written out.
    let memberwiseInitializer: String?

    init(_ declaration: some DeclGroupSyntax, attribute: AttributeSyntax) throws {
        guard let decl = declaration.as(StructDeclSyntax.self) else {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.notAStruct.diagnose(at: attribute)])
        }
        if let custom = Self.customCoding(decl) {
            throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.codesItself(custom).diagnose(at: decl.name)])
        }
        self.documentation = Self.documentation(decl.leadingTrivia)
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
        for member in keys.memberBlock.members {
            if let conditional = member.decl.as(IfConfigDeclSyntax.self) {
                // Which cases exist, and so their numbers, would depend on the build.
                throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.conditionalKeys.diagnose(at: conditional)])
            }
            guard let caseDecl = member.decl.as(EnumCaseDeclSyntax.self) else { continue }
            for element in caseDecl.elements {
                // Every field names its number: Swift's auto-increment would renumber the wire silently when a
                // case is inserted or moved.
                guard let value = element.rawValue?.value else {
                    throw DiagnosticsError(diagnostics: [
                        WireMessageDiagnostic.implicitFieldNumber(Self.bare(element.name.text)).diagnose(at: element)
                    ])
                }
                guard let number = Self.integer(value) else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.rawValueNotLiteral.diagnose(at: value)])
                }
                guard number >= 1 else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.fieldNumberTooSmall(element.name.text).diagnose(at: element)])
                }
                guard number <= Self.maximumFieldNumber else {
                    throw DiagnosticsError(diagnostics: [
                        WireMessageDiagnostic.fieldNumberTooLarge(element.name.text, Self.maximumFieldNumber).diagnose(at: element)
                    ])
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
                if let unsupported = property.unsupportedForm {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.unsupportedProperty(name, unsupported).diagnose(at: property.node)])
                }
                let (valueType, isOptional) = Self.unwrapped(type)
                fields.append(
                    Field(
                        name: property.name, number: number, valueType: valueType, isOptional: isOptional,
                        documentation: property.documentation))
            }
        }
        self.fields = fields
        self.memberwiseInitializer = Self.memberwiseInitializer(properties, members: members, access: self.access)
    }

    /// `init(a: A, b: B? = nil)`: every stored property in declaration order, Optionals defaulting to nil and
    /// properties with an initial value to it — what Swift's implicit one takes, but with the struct's access level,
    /// so that public messages need no hand-written copy of it.
    private static func memberwiseInitializer(_ properties: [StoredProperty], members: [DeclSyntax], access: String?) -> String? {
        let assignable = properties.filter { !$0.isInitializedConstant }.sorted { $0.node.position < $1.node.position }
        let labels = assignable.map { Self.bare($0.name) }
        let declared = members.compactMap { $0.as(InitializerDeclSyntax.self) }.contains { initializer in
            initializer.signature.parameterClause.parameters.map { Self.bare($0.firstName.text) } == labels
        }
        guard !declared else { return nil }
        var parameters: [String] = []
        for property in assignable {
            guard let type = property.type else { return nil }
            var parameter = "\(property.name): \(type.trimmedDescription)"
            if let initialValue = property.initialValue {
                parameter += " = \(initialValue)"
            } else if Self.unwrapped(type).1 {
                parameter += " = nil"
            }
            parameters.append(parameter)
        }
        let assignments = assignable.map { "self.\($0.name) = \($0.name)" }
        let prefix = access.map { "\($0) " } ?? ""
        return "\(prefix)init(\(parameters.joined(separator: ", "))) {\n" + assignments.joined(separator: "\n") + "\n}"
    }

    // MARK: Generated code

    /// The static function that reads the fields: their values in declaration order, a tuple of them when there
    /// are several.
    var fieldReader: String {
        var lines: [String] = []
        // A raw-valued enum has at least one case, so there is at least one field.
        let result = self.fields.count == 1 ? self.fields[0].declaredType : "(" + self.fields.map(\.declaredType).joined(separator: ", ") + ")"
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
        // An absent field not written as an Optional is an error, unless its type is an Optional after all (the
        // runtime tells), as the keyed container has it.
        // (Filled in place and unwrapped after: an `x ?? absentField(…)` in the returned tuple made decoding 7% slower.)
        for field in self.fields where !field.isOptional {
            lines.append("if \(field.name) == nil { \(field.name) = try __fields.absentField((\(field.valueType)).self, \(field.number)) }")
        }
        let values = self.fields.map { $0.isOptional ? $0.name : "\($0.name)!" }
        lines.append(values.count == 1 ? "return \(values[0])" : "return (" + values.joined(separator: ", ") + ")")
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// `init(wireFields:)`'s body: the fields read, assigned.
    var initializerBody: String {
        if self.fields.count == 1 { return "self.\(self.fields[0].name) = try Self.__readWireFields(&__fields)" }
        let assignments = self.fields.indices.map { "self.\(self.fields[$0].name) = __values.\($0)" }
        return (["let __values = try Self.__readWireFields(&__fields)"] + assignments).joined(separator: "\n")
    }

    var encodingBody: String {
        let lines = self.fields.map { field in
            field.isOptional
                ? "if let \(field.name) = self.\(field.name) { try __fields.encode(\(field.name), field: \(field.number)) }"
                : "try __fields.encode(self.\(field.name), field: \(field.number))"
        }
        return lines.joined(separator: "\n")
    }

    /// The static `wireDescription` (``WireDescribed``): the fields as declared, for the API catalogue. A member of the
    /// struct, like the field reader, so that property types resolve as they do in the struct.
    var descriptionMember: String {
        let access = self.access.map { "\($0) " } ?? ""
        var lines = ["\(access)static var wireDescription: KeyplanWire.WireMessageDescription {"]
        lines.append("KeyplanWire.WireMessageDescription(documentation: \(Self.literal(self.documentation)), fields: [")
        for field in self.fields {
            lines.append(
                "KeyplanWire.WireFieldDescription(number: \(field.number), name: \(Self.literal(Self.bare(field.name))), "
                    + "type: (\(field.valueType)).self, isOptional: \(field.isOptional), documentation: \(Self.literal(field.documentation))),")
        }
        lines.append("])")
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A string literal for `text`, or `nil`.
    private static func literal(_ text: String?) -> String {
        guard let text else { return "nil" }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }

    // MARK: Reading the declaration

    /// The `///` lines before a declaration, joined as one text (paragraphs kept), or nil.
    static func documentation(_ trivia: Trivia) -> String? {
        var lines: [String] = []
        for piece in trivia {
            switch piece {
            case .docLineComment(let text):
                var line = text.dropFirst(3)
                if line.first == " " { line = line.dropFirst() }
                lines.append(String(line))
            case .docBlockComment(let text):
                lines.append(contentsOf: text.dropFirst(3).dropLast(2).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            case .lineComment, .blockComment:
                lines.removeAll()  // a plain comment between doc comment and declaration: the doc belongs elsewhere
            default:
                continue
            }
        }
        // One line per paragraph: a doc comment's own line breaks are layout.
        let paragraphs = lines.split(separator: "", omittingEmptySubsequences: true).map { $0.joined(separator: " ") }
        return paragraphs.isEmpty ? nil : paragraphs.joined(separator: "\n\n")
    }

    /// The struct's own `init(from:)` or `encode(to:)`, which generated coding would silently bypass.
    static func customCoding(_ decl: StructDeclSyntax) -> String? {
        func takes(_ parameters: FunctionParameterListSyntax, _ label: String, _ type: String) -> Bool {
            guard parameters.count == 1, let parameter = parameters.first, parameter.firstName.text == label else { return false }
            return parameter.type.trimmedDescription.hasSuffix(type)
        }
        for member in decl.memberBlock.members {
            if let initializer = member.decl.as(InitializerDeclSyntax.self),
                takes(initializer.signature.parameterClause.parameters, "from", "Decoder")
            {
                return "init(from:)"
            }
            if let function = member.decl.as(FunctionDeclSyntax.self), function.name.text == "encode",
                takes(function.signature.parameterClause.parameters, "to", "Encoder")
            {
                return "encode(to:)"
            }
        }
        return nil
    }

    private struct StoredProperty {
        let name: String
        let documentation: String?
        let type: TypeSyntax?
        /// The initial value as written, if any: the memberwise initializer's default.
        let initialValue: String?
        /// A `let` with an initial value, which no initializer can assign.
        let isInitializedConstant: Bool
        /// Why the property cannot be coded by generated code the way `Codable` codes it, if it cannot.
        let unsupportedForm: String?
        let node: Syntax
    }

    /// The struct's stored instance properties (computed and static ones are not coded).
    private static func storedProperties(_ members: [DeclSyntax]) -> [StoredProperty] {
        var properties: [StoredProperty] = []
        for variable in members.compactMap({ $0.as(VariableDeclSyntax.self) }) {
            let isStatic = variable.modifiers.contains { $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class) }
            if isStatic { continue }
            // `var a, b: Int` gives both `Int`: a binding without a type takes the next one's, unless it has an
            // initial value (`var a = 1.5, b: Int`), whose type is inferred.
            var pendingType: TypeSyntax?
            for binding in variable.bindings.reversed() {
                if let annotation = binding.typeAnnotation {
                    pendingType = annotation.type
                } else if binding.initializer != nil {
                    pendingType = nil
                }
                guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                if let accessors = binding.accessorBlock, Self.isComputed(accessors) { continue }
                let isInitializedConstant = variable.bindingSpecifier.tokenKind == .keyword(.let) && binding.initializer != nil
                properties.append(
                    StoredProperty(
                        name: pattern.identifier.text, documentation: Self.documentation(variable.leadingTrivia), type: pendingType,
                        initialValue: binding.initializer?.value.trimmedDescription, isInitializedConstant: isInitializedConstant,
                        unsupportedForm: Self.unsupportedForm(variable), node: Syntax(binding))
                )
            }
        }
        return properties
    }

    /// A property wrapper (synthesized `Codable` codes the wrapper, not the value) or `lazy` (read by a mutating
    /// getter): generated code would not match or not compile.
    private static func unsupportedForm(_ variable: VariableDeclSyntax) -> String? {
        if variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.lazy) }) { return "lazy" }
        let wrapper = variable.attributes.lazy.compactMap { $0.as(AttributeSyntax.self) }.first { attribute in
            attribute.attributeName.trimmedDescription.first?.isUppercase == true
        }
        return wrapper.map { "wrapped by @\($0.attributeName.trimmedDescription)" }
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

    /// `T?`, `T!`, `Optional<T>` and `Swift.Optional<T>` as `T` and true; any other type as itself and false.
    private static func unwrapped(_ type: TypeSyntax) -> (String, Bool) {
        if let optional = type.as(OptionalTypeSyntax.self) { return (optional.wrappedType.trimmedDescription, true) }
        if let optional = type.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) { return (optional.wrappedType.trimmedDescription, true) }
        let generic: GenericArgumentClauseSyntax?
        if let identifier = type.as(IdentifierTypeSyntax.self), identifier.name.text == "Optional" {
            generic = identifier.genericArgumentClause
        } else if let member = type.as(MemberTypeSyntax.self), member.baseType.trimmedDescription == "Swift", member.name.text == "Optional" {
            generic = member.genericArgumentClause
        } else {
            generic = nil
        }
        if let generic, generic.arguments.count == 1, let argument = generic.arguments.first {
            return (argument.argument.trimmedDescription, true)
        }
        return (type.trimmedDescription, false)
    }

    /// An integer literal in any of Swift's notations, negated by a leading minus.
    private static func integer(_ expression: ExprSyntax) -> Int? {
        if let negated = expression.as(PrefixOperatorExprSyntax.self), negated.operator.text == "-" {
            return Self.integer(negated.expression).map { -$0 }
        }
        guard let literal = expression.as(IntegerLiteralExprSyntax.self) else { return nil }
        let digits = literal.literal.text.filter { $0 != "_" }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            return Int(digits.dropFirst(2), radix: radix)
        }
        return Int(digits)
    }

    private static func bare(_ name: String) -> String {
        name.hasPrefix("`") && name.hasSuffix("`") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
    }
}
