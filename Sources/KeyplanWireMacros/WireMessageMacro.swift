import SwiftDiagnostics
public import SwiftSyntax
import SwiftSyntaxBuilder
public import SwiftSyntaxMacros

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
/// the conformance, whose initializer assigns what that function read. The member role also writes the message's
/// `wireDescription` (for the API catalogue) and, unless the struct declares one with the same labels, a memberwise
/// initializer with the struct's access level — Swift's implicit one is internal, so public messages needed a
/// hand-written copy of it.
public struct WireMessageMacro: ExtensionMacro, MemberMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        // What is wrong with the declaration is reported once, by the extension role.
        guard let message = try? MessageDeclaration(declaration, attribute: node) else { return [] }
        return ["\(raw: message.fieldReader)", "\(raw: message.descriptionMember)"]
            + (message.memberwiseInitializer.map { ["\(raw: $0)"] } ?? [])
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
        // The conformances the type does not have yet, as the compiler lists them (`WireMessage`, `WireDescribed`).
        let missing = protocols.map { "KeyplanWire." + ($0.trimmedDescription.split(separator: ".").last.map(String.init) ?? "") }
        let conformance = missing.isEmpty ? "" : ": " + missing.joined(separator: ", ")
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
