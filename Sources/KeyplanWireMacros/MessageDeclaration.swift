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

        /// The property's type as the reader returns it.
        var declaredType: String { self.isOptional ? "\(self.valueType)?" : self.valueType }
    }

    /// The largest field number, as the format allows (`FieldTag.maxFieldNumber`: a tag fits in 32 bits).
    static var maximumFieldNumber: Int { (1 << 29) - 1 }

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
        for member in keys.memberBlock.members {
            if let conditional = member.decl.as(IfConfigDeclSyntax.self) {
                // Which cases exist, and so their numbers, would depend on the build.
                throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.conditionalKeys.diagnose(at: conditional)])
            }
            guard let caseDecl = member.decl.as(EnumCaseDeclSyntax.self) else { continue }
            for element in caseDecl.elements {
                if let value = element.rawValue?.value {
                    guard let number = Self.integer(value) else {
                        throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.rawValueNotLiteral.diagnose(at: value)])
                    }
                    next = number
                }
                let number = next
                guard number >= 1 else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.fieldNumberTooSmall(element.name.text).diagnose(at: element)])
                }
                guard number <= Self.maximumFieldNumber else {
                    throw DiagnosticsError(diagnostics: [WireMessageDiagnostic.fieldNumberTooLarge(element.name.text, Self.maximumFieldNumber).diagnose(at: element)])
                }
                next = number + 1
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

    // MARK: Reading the declaration

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
        let type: TypeSyntax?
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
                        name: pattern.identifier.text, type: pendingType, isInitializedConstant: isInitializedConstant,
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
